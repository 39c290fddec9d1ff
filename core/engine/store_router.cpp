#include "engine/store_router.h"

#include <stdexcept>

#include "engine/folder_details_store.h"

namespace relaysync::core {

std::string relativePathProblem(const std::string& path) {
    if (path.empty()) return {};
    if (path.find('\0') != std::string::npos) return "it contains a NUL byte";
    if (path.find('\\') != std::string::npos) return "it contains a backslash; use '/'";
    if (path.front() == '/') return "it is absolute";
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        const auto part = path.substr(start, end - start);
        if (part.empty()) return "it has an empty component";
        if (part == "." || part == "..") return "it has a '" + part + "' component";
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
    const auto path = location.size() > best->prefix.size() ? location.substr(best->prefix.size() + 1) : std::string{};
    if (location.size() > best->prefix.size() && path.empty())
        return sdk::Status::invalidArgument("location '" + location + "' is not allowed: write '" + best->prefix +
                                            "' for the store's root");
    if (const auto problem = relativePathProblem(path); !problem.empty())
        return sdk::Status::invalidArgument("location '" + location + "' is not allowed: " + problem);
    route.store = best->aggregating.get();
    route.path = path;
    return sdk::Status::ok();
}

std::vector<std::string> StoreRouter::prefixes() const {
    std::vector<std::string> result;
    for (const auto& mount : mounts_) result.push_back(mount.prefix);
    return result;
}

}  // namespace relaysync::core
