#include "remote/entry_path.h"

#include "engine/store_router.h"

namespace relaysync::core {

EntryPath entryPath(const std::string& location, const std::string& sub_path) {
    if (sub_path.empty()) return {location, {}};
    if (const auto problem = relativePathProblem(sub_path); !problem.empty())
        return {{}, "path '" + sub_path + "' is not allowed: " + problem};
    return {location + "/" + sub_path, {}};
}

}  // namespace relaysync::core
