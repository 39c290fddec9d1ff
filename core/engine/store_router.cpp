#include "engine/store_router.h"

#include <stdexcept>
#include <string_view>
#include <utility>

#include "engine/folder_details_store.h"

namespace relaysync::core {

std::string relativePathProblem(const std::string& path) {
    if (path.empty()) return {};
    if (path.find('\0') != std::string::npos) return "it contains a NUL byte";
    if (path.find('\\') != std::string::npos) return "it contains a backslash; use '/'";
    if (path.front() == '/') return "it is absolute";
    const std::string_view whole = path;  // views: a check routes every entity
    std::size_t start = 0;
    while (start <= whole.size()) {
        const auto end = std::min(whole.find('/', start), whole.size());
        const auto part = whole.substr(start, end - start);
        if (part.empty()) return "it has an empty component";
        if (part == "." || part == "..") return "it has a '" + std::string(part) + "' component";
        start = end + 1;
    }
    return {};
}

void StoreRouter::add(const std::string& prefix, std::shared_ptr<sdk::ResourceStore> store) {
    if (prefix.empty()) throw std::invalid_argument("a store needs a non-empty location prefix");
    for (const auto& mount : mounts_)
        if (mount.prefix == prefix) throw std::invalid_argument("two stores serve prefix '" + prefix + "'");
    auto aggregating = std::make_unique<FolderDetailsStore>(*store);
    mounts_.push_back({prefix, std::move(store), std::move(aggregating)});
}

sdk::Status StoreRouter::route(const std::string& location, Route& route) const {
    const Mount* best = nullptr;
    for (const auto& mount : mounts_) {
        const auto& p = mount.prefix;
        const bool matches = location == p || (location.size() > p.size() && location.compare(0, p.size(), p) == 0 &&
                                               location[p.size()] == '/');
        if (matches && (!best || p.size() > best->prefix.size())) best = &mount;
    }
    if (!best) {
        std::string known;
        for (const auto& mount : mounts_) known += (known.empty() ? "" : ", ") + mount.prefix;
        return sdk::Status::unreachable("no store serves location '" + location + "' (configured prefixes: " +
                                        (known.empty() ? "none" : known) + ")");
    }
    // Into the route's own strings: a check routes every entity, reusing one Route where it can.
    auto& path = route.path;
    if (location.size() > best->prefix.size()) path.assign(location, best->prefix.size() + 1);
    else path.clear();
    if (location.size() > best->prefix.size() && path.empty())
        return sdk::Status::invalidArgument("location '" + location + "' is not allowed: write '" + best->prefix +
                                            "' for the store's root");
    if (const auto problem = relativePathProblem(path); !problem.empty())
        return sdk::Status::invalidArgument("location '" + location + "' is not allowed: " + problem);
    route.store = best->aggregating.get();
    route.plain = best->store.get();
    route.prefix = best->prefix;
    return sdk::Status::ok();
}

const StoreRouter::Mount* StoreRouter::mountOf(const std::string& prefix) const {
    for (const auto& mount : mounts_)
        if (mount.prefix == prefix) return &mount;
    return nullptr;
}

sdk::Status StoreRouter::probeRoot(const Mount& mount, const sdk::CallContext& call, std::string& identity) const {
    sdk::RootProbe probe;
    const auto status = mount.store->probe(call, probe);
    if (!status.isOk()) {
        // Whatever a probe fails with, nothing can be said about the entities: unreachable.
        return status.isUnreachable() ? status : sdk::Status::unreachable(status.toString());
    }
    identity = (mount.store->capabilities() & sdk::StoreCapability::root_identity) ? probe.identity : std::string{};
    return sdk::Status::ok();
}

sdk::Status StoreRouter::confirmRoot(const std::string& prefix, const sdk::CallContext& call) const {
    const Mount* mount = mountOf(prefix);
    if (!mount) return sdk::Status::unreachable("no store serves prefix '" + prefix + "'");
    std::string identity;
    if (auto status = probeRoot(*mount, call, identity); !status.isOk()) return status;
    if (identity.empty()) return sdk::Status::ok();
    std::lock_guard lock(roots_mutex_);
    const auto accepted = accepted_roots_.find(prefix);
    if (accepted == accepted_roots_.end()) {
        accepted_roots_[prefix] = identity;
        newly_accepted_[prefix] = identity;
        return sdk::Status::ok();
    }
    if (accepted->second == identity) return sdk::Status::ok();
    return sdk::Status::unreachable("the root of store '" + prefix + "' (" + mount->store->describe() +
                                    ") is not the one accepted: it was " + accepted->second + ", it is now " +
                                    identity + " (remounted or replaced?). Nothing in it is read as gone until an "
                                    "operator runs `relaysync-admin accept-store-root " + prefix + "`");
}

sdk::Status StoreRouter::acceptRoot(const std::string& prefix, const sdk::CallContext& call) const {
    const Mount* mount = mountOf(prefix);
    if (!mount) return sdk::Status::invalidArgument("no store serves prefix '" + prefix + "'");
    std::string identity;
    if (auto status = probeRoot(*mount, call, identity); !status.isOk()) return status;
    std::lock_guard lock(roots_mutex_);
    if (identity.empty()) {
        accepted_roots_.erase(prefix);
    } else {
        accepted_roots_[prefix] = identity;
    }
    newly_accepted_[prefix] = identity;
    return sdk::Status::ok();
}

void StoreRouter::loadAcceptedRoots(const std::map<std::string, std::string>& identities) const {
    std::lock_guard lock(roots_mutex_);
    for (const auto& [prefix, identity] : identities)
        if (!identity.empty()) accepted_roots_[prefix] = identity;
}

std::map<std::string, std::string> StoreRouter::takeNewlyAcceptedRoots() const {
    std::lock_guard lock(roots_mutex_);
    return std::exchange(newly_accepted_, {});
}

std::vector<std::string> StoreRouter::prefixes() const {
    std::vector<std::string> result;
    for (const auto& mount : mounts_) result.push_back(mount.prefix);
    return result;
}

}  // namespace relaysync::core
