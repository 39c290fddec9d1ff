#include "local_status.h"

#include <cerrno>
#include <system_error>

namespace relaysync::storage_local {

sdk::Status statusFromErrno(int err, const std::string& what) {
    const std::string reason = std::error_code(err, std::generic_category()).message();
    switch (err) {
    case ENOENT:
    case ENOTDIR:  // a component on the way is a file: the entity cannot exist
        return sdk::Status::notFound(quoted(what) + " does not exist");
    case EACCES:
    case EPERM:
        return sdk::Status::permissionDenied(quoted(what) + ": " + reason);
    case ENAMETOOLONG:
        return sdk::Status::invalidArgument(quoted(what) + ": " + reason);
    default:
        return sdk::Status::ioError(quoted(what) + ": " + reason);
    }
}

}  // namespace relaysync::storage_local
