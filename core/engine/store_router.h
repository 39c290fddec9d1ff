#pragma once
// Finds the store that serves an entry's location: "c:/folderA/x.txt" goes to the store whose
// prefix is "c:", at path "folderA/x.txt". Locations are checked here before any store sees
// them; stores check again (they must not trust the caller).

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "relaysync/sdk/resource_store.h"

namespace relaysync::core {

class StoreRouter {
public:
    struct Route {
        sdk::ResourceStore* store = nullptr;  // folder-aggregating view of the store
        std::string prefix;                   // of the store that serves it
        std::string path;
        sdk::ResourceStore* plain = nullptr;  // the store itself: folders as it reports them
    };

    // Throws std::invalid_argument for an empty or duplicate prefix.
    void add(const std::string& prefix, std::shared_ptr<sdk::ResourceStore> store);

    // ok with the route; invalid_argument when the location is malformed or escapes its store;
    // unreachable when no configured store serves its prefix (nothing is known about it).
    sdk::Status route(const std::string& location, Route& route) const;

    std::vector<std::string> prefixes() const;

    // Root identities (ResourceStore::probe). A root that reports an identity must keep the one
    // accepted for its prefix: a drive mounted over the root, or another folder or share in its
    // place, answers unreachable instead of reading as "everything is gone". The first identity
    // seen for a prefix is accepted. Thread-safe: called while a check reads the stores.
    //   ok           reachable, and the accepted root (or one without identity);
    //   unreachable  down, or replaced (the message says how to accept the new root).
    sdk::Status confirmRoot(const std::string& prefix, const sdk::CallContext& call) const;
    // Accepts whatever root `prefix` has now: after an operator checked it. ok, or why not.
    sdk::Status acceptRoot(const std::string& prefix, const sdk::CallContext& call) const;
    // What was accepted before (from the database), by prefix.
    void loadAcceptedRoots(const std::map<std::string, std::string>& identities) const;
    // Roots accepted since the last call, to be stored.
    std::map<std::string, std::string> takeNewlyAcceptedRoots() const;

private:
    struct Mount {
        std::string prefix;
        std::shared_ptr<sdk::ResourceStore> store;
        std::unique_ptr<sdk::ResourceStore> aggregating;
    };
    const Mount* mountOf(const std::string& prefix) const;
    sdk::Status probeRoot(const Mount& mount, const sdk::CallContext& call, std::string& identity) const;

    std::vector<Mount> mounts_;
    mutable std::mutex roots_mutex_;
    mutable std::map<std::string, std::string> accepted_roots_;
    mutable std::map<std::string, std::string> newly_accepted_;
};

// "" when `path` is a clean relative path, else why not.
std::string relativePathProblem(const std::string& path);

}  // namespace relaysync::core
