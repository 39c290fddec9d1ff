#include "engine/folder_listings.h"

#include <algorithm>
#include <functional>

namespace relaysync::core {

FolderListings::Listing& FolderListings::listingOf(std::string_view key) {
    if (last_ && key == last_key_) return *last_;
    auto found = folders_.find(key);
    if (found == folders_.end()) found = folders_.emplace(std::string(key), Listing{}).first;
    last_ = &found->second;
    last_key_.assign(key);
    return *last_;
}

void FolderListings::expect(std::string_view location) {
    // A location is "<prefix>/<path>"; the store's root itself ("<prefix>") has no folder to
    // list. A location that does not route counts for a folder nobody asks about.
    const auto slash = location.rfind('/');
    if (slash != std::string_view::npos) ++listingOf(location.substr(0, slash)).expected;
}

const sdk::EntityDetails* FolderListings::listed(const StoreRouter::Route& route) {
    if (route.path.empty()) return nullptr;  // the root itself has no folder to list
    if ((route.store->capabilities() & sdk::StoreCapability::list_details) == 0) return nullptr;
    const std::string_view path = route.path;
    const auto slash = path.rfind('/');
    const std::string_view folder = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    key_.assign(route.prefix);
    if (!folder.empty()) {
        key_ += '/';
        key_.append(folder);
    }
    auto* listing = &listingOf(key_);
    if (listing->expected < kListFrom) return nullptr;
    if (!listing->read) {
        listing->read = true;
        // A failed listing (unreachable, timed out) leaves each entity to its own stat, whose
        // answer is then the store's word on it.
        if (route.store->list(sdk::CallContext::within(timeout_), std::string(folder), listing->files).isOk()) {
            auto& by_hash = listing->by_hash;
            by_hash.reserve(listing->files.size());
            for (const auto& item : listing->files)
                if (item.details.kind == sdk::EntityKind::file)
                    by_hash.emplace_back(std::hash<std::string_view>{}(item.name), &item);
            std::sort(by_hash.begin(), by_hash.end(),
                      [](const auto& a, const auto& b) { return a.first < b.first; });
        } else {
            listing->files.clear();
        }
    }
    auto& by_hash = listing->by_hash;
    const auto hash = std::hash<std::string_view>{}(name);
    const sdk::FolderItem* shown = nullptr;
    for (auto it = std::lower_bound(by_hash.begin(), by_hash.end(), hash,
                                    [](const auto& item, std::size_t wanted) { return item.first < wanted; });
         it != by_hash.end() && it->first == hash && !shown; ++it)
        if (it->second->name == name) shown = it->second;
    if (shown) found_ = shown->details;
    // Entities come by location: a folder's are mostly asked about one after another, and its
    // listing need not be kept for the whole check (100,000 files would be held at once).
    if (++listing->asked >= listing->expected) {
        decltype(listing->by_hash)().swap(by_hash);
        sdk::FolderListing().swap(listing->files);
    }
    return shown ? &found_ : nullptr;
}

}  // namespace relaysync::core
