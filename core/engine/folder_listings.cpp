#include "engine/folder_listings.h"

namespace relaysync::core {

std::optional<std::pair<FolderListings::Folder, std::string>> FolderListings::split(const StoreRouter::Route& route) {
    if (route.path.empty()) return std::nullopt;  // the root itself has no folder to list
    if ((route.store->capabilities() & sdk::StoreCapability::list_details) == 0) return std::nullopt;
    const auto slash = route.path.rfind('/');
    const std::string folder = slash == std::string::npos ? std::string() : route.path.substr(0, slash);
    const std::string name = slash == std::string::npos ? route.path : route.path.substr(slash + 1);
    return std::make_pair(Folder{route.prefix, folder}, name);
}

void FolderListings::expect(const StoreRouter::Route& route) {
    if (const auto where = split(route)) ++folders_[where->first].expected;
}

std::optional<sdk::EntityDetails> FolderListings::listed(const StoreRouter::Route& route) {
    const auto where = split(route);
    if (!where) return std::nullopt;
    auto& listing = folders_[where->first];
    if (listing.expected < kListFrom) return std::nullopt;
    if (!listing.read) {
        listing.read = true;
        sdk::FolderListing items;
        // A failed listing (unreachable, timed out) leaves each entity to its own stat, whose
        // answer is then the store's word on it.
        if (route.store->list(sdk::CallContext::within(timeout_), where->first.second, items).isOk())
            for (auto& item : items)
                if (item.details.kind == sdk::EntityKind::file) listing.files.emplace(std::move(item.name), item.details);
    }
    const auto found = listing.files.find(where->second);
    if (found == listing.files.end()) return std::nullopt;
    return found->second;
}

}  // namespace relaysync::core
