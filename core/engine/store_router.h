#pragma once
// Finds the store that serves an entry's location: "c:/folderA/x.txt" goes to the store whose
// prefix is "c:", at path "folderA/x.txt". Locations are checked here before any store sees
// them; stores check again (they must not trust the caller).

#include <memory>
#include <string>
#include <vector>

#include "relaysync/sdk/resource_store.h"

namespace relaysync::core {

class StoreRouter {
public:
    struct Route {
        sdk::ResourceStore* store = nullptr;  // folder-aggregating view of the store
        std::string path;
    };

    // Throws std::invalid_argument for an empty or duplicate prefix.
    void add(const std::string& prefix, std::shared_ptr<sdk::ResourceStore> store);

    // ok with the route; invalid_argument when the location is malformed or escapes its store;
    // unreachable when no configured store serves its prefix (nothing is known about it).
    sdk::Status route(const std::string& location, Route& route) const;

    std::vector<std::string> prefixes() const;

private:
    struct Mount {
        std::string prefix;
        std::shared_ptr<sdk::ResourceStore> store;
        std::unique_ptr<sdk::ResourceStore> aggregating;
    };
    std::vector<Mount> mounts_;
};

// "" when `path` is a clean relative path, else why not.
std::string relativePathProblem(const std::string& path);

}  // namespace relaysync::core
