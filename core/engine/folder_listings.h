#pragma once
// Many entities of one folder are looked at through one listing of that folder (a store with
// StoreCapability::list_details: readdir + fstatat locally, one SMB directory listing) instead of
// a stat each, which re-resolves the root and every component of the path: a check of a
// folder's many files is then one pass over the folder, as `find` makes it.
//
// Only files come from a listing: a folder entity needs core's aggregation (a stat through the
// aggregating view), and a name the listing does not show (a link leading out of the root, an
// entity gone since) is stat-ed, so that the store's own answer decides what it is.

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "engine/store_router.h"
#include "relaysync/sdk/entity.h"

namespace relaysync::core {

class FolderListings {
public:
    // A folder is listed once this many of its entities are asked about: below that, stats are
    // cheaper than listing a folder that may hold many more.
    static constexpr std::size_t kListFrom = 4;

    explicit FolderListings(std::chrono::milliseconds store_call_timeout) : timeout_(store_call_timeout) {}

    // Counts `route` for its folder; call for every entity before asking listed().
    void expect(const StoreRouter::Route& route);
    // The entity's details from its folder's listing, when that folder is listed and shows it
    // as a file; null when it must be stat-ed. Valid as long as this object.
    const sdk::EntityDetails* listed(const StoreRouter::Route& route);

private:
    struct Listing {
        std::size_t expected = 0;
        bool read = false;
        sdk::FolderListing files;  // sorted by name; empty when the listing failed
    };
    // The listing of the route's folder, and the entity's name in it; null when the route has no
    // folder to list. Entities come mostly folder by folder: the last folder is kept at hand.
    Listing* listingOf(const StoreRouter::Route& route, std::string_view& name);

    std::chrono::milliseconds timeout_;
    std::map<std::string, Listing, std::less<>> folders_;  // by store prefix, '\0', folder path
    std::string key_;                                      // reused for look-ups
    Listing* last_ = nullptr;
    std::string last_key_;
};

}  // namespace relaysync::core
