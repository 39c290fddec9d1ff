#include "engine/folder_listings.h"

#include <algorithm>

namespace relaysync::core {

FolderListings::Listing* FolderListings::listingOf(const StoreRouter::Route& route, std::string_view& name) {
    if (route.path.empty()) return nullptr;  // the root itself has no folder to list
    if ((route.store->capabilities() & sdk::StoreCapability::list_details) == 0) return nullptr;
    const std::string_view path = route.path;
    const auto slash = path.rfind('/');
    const std::string_view folder = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
    name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    key_.assign(route.prefix);
    key_ += '\0';
    key_.append(folder);
    if (last_ && key_ == last_key_) return last_;
    last_ = &folders_[key_];
    last_key_ = key_;
    return last_;
}

void FolderListings::expect(const StoreRouter::Route& route) {
    std::string_view name;
    if (auto* listing = listingOf(route, name)) ++listing->expected;
}

const sdk::EntityDetails* FolderListings::listed(const StoreRouter::Route& route) {
    std::string_view name;
    auto* listing = listingOf(route, name);
    if (!listing || listing->expected < kListFrom) return nullptr;
    if (!listing->read) {
        listing->read = true;
        const auto slash = route.path.rfind('/');
        const std::string folder = slash == std::string::npos ? std::string() : route.path.substr(0, slash);
        // A failed listing (unreachable, timed out) leaves each entity to its own stat, whose
        // answer is then the store's word on it.
        if (route.store->list(sdk::CallContext::within(timeout_), folder, listing->files).isOk()) {
            auto& files = listing->files;
            files.erase(std::remove_if(files.begin(), files.end(),
                                       [](const auto& item) { return item.details.kind != sdk::EntityKind::file; }),
                        files.end());
            std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
        } else {
            listing->files.clear();
        }
    }
    const auto& files = listing->files;
    const auto found = std::lower_bound(files.begin(), files.end(), name,
                                        [](const sdk::FolderItem& item, std::string_view wanted) { return item.name < wanted; });
    if (found == files.end() || found->name != name) return nullptr;
    return &found->details;
}

}  // namespace relaysync::core
