#include "listing_cache.h"

#include <algorithm>

namespace relaysync::storage_smb {

bool ListingCache::find(const std::string& folder, const std::string& name, Clock::time_point now,
                        sdk::EntityDetails& details) {
    std::lock_guard lock(mutex_);
    for (const auto& listing : listings_) {
        if (listing.folder != folder) continue;
        if (now - listing.taken >= kFresh) return false;
        const auto item = listing.items.find(name);
        if (item == listing.items.end()) return false;
        details = item->second;
        return true;
    }
    return false;
}

bool ListingCache::worthListing(const std::string& folder, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    // Counts older than kFresh say nothing of a burst: start over (and drop such counts of
    // other folders now and then, which bounds the map).
    if (stats_.size() > 256)
        for (auto it = stats_.begin(); it != stats_.end();)
            it = now - it->second.since >= kFresh ? stats_.erase(it) : std::next(it);
    auto& stats = stats_[folder];
    if (stats.count == 0 || now - stats.since >= kFresh) stats = Stats{now, 0};
    ++stats.count;
    if (stats.count < 2) return false;
    const auto size = sizes_.find(folder);
    return size == sizes_.end() || size->second <= stats.count * kEntriesPerStat;
}

void ListingCache::keep(const std::string& folder, Clock::time_point taken,
                        std::unordered_map<std::string, sdk::EntityDetails> items) {
    std::lock_guard lock(mutex_);
    if (sizes_.size() >= kSizesKept) sizes_.clear();
    sizes_[folder] = items.size();
    stats_.erase(folder);
    listings_.erase(std::remove_if(listings_.begin(), listings_.end(),
                                   [&](const Listing& listing) { return listing.folder == folder; }),
                    listings_.end());
    listings_.push_front(Listing{folder, taken, std::move(items)});
    if (listings_.size() > kFolders) listings_.pop_back();
}

void ListingCache::clear() {
    std::lock_guard lock(mutex_);
    listings_.clear();
    stats_.clear();
}

}  // namespace relaysync::storage_smb
