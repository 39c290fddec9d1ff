#pragma once
// The admin CLI's side of the local admin channel: one JSON request, one JSON response.

#include <string>

#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>

namespace relaysync::core {

class AdminConnectionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// How long a daemon may take to answer one request before it counts as not answering.
inline const Poco::Timespan kDefaultAdminTimeout(60, 0);

// Sends `request` to the daemon at `socket_path` and returns its response, which has "ok" and
// either the result or "error". Throws AdminConnectionError when the daemon cannot be reached,
// does not answer within `timeout` (a hung or stopped daemon), or answers with something that
// is not a response.
Poco::JSON::Object::Ptr askDaemon(const std::string& socket_path, const Poco::JSON::Object::Ptr& request,
                                  Poco::Timespan timeout = kDefaultAdminTimeout);

}  // namespace relaysync::core
