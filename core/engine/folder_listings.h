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
#include <utility>
#include <vector>

#include "engine/store_router.h"
#include "relaysync/sdk/entity.h"

namespace relaysync::core {

class FolderListings {
public:
    // A folder is listed once this many of its entities are asked about: below that, stats are
    // cheaper than listing a folder that may hold many more.
    static constexpr std::size_t kListFrom = 4;

    explicit FolderListings(std::chrono::milliseconds store_call_timeout) : timeout_(store_call_timeout) {}

    // Counts the entity at `location` for its folder; call for every entity before asking
    // listed(). Takes the location as recorded, so that counting needs no routing.
    void expect(std::string_view location);
    // The entity's details from its folder's listing, when that folder is listed and shows it
    // as a file; null when it must be stat-ed. Valid until the next call. A folder's listing is
    // let go once as many of its entities were asked about as were expected.
    const sdk::EntityDetails* listed(const StoreRouter::Route& route);

private:
    struct Listing {
        std::size_t expected = 0;
        std::size_t asked = 0;
        bool read = false;
        sdk::FolderListing files;  // empty when the listing failed
        // The files by the hash of their names, pointing into `files`: sorting numbers costs far
        // less than sorting names that mostly share a long beginning ("report-2024-...").
        std::vector<std::pair<std::size_t, const sdk::FolderItem*>> by_hash;
    };
    // The listing of the folder `key` names (see folders_). Entities come mostly folder by
    // folder: the last folder is kept at hand.
    Listing& listingOf(std::string_view key);

    std::chrono::milliseconds timeout_;
    // By the folder's location: "<prefix>/<folder path>", or "<prefix>" for the store's root.
    std::map<std::string, Listing, std::less<>> folders_;
    std::string key_;            // reused for look-ups
    sdk::EntityDetails found_;   // what listed() answered last
    Listing* last_ = nullptr;
    std::string last_key_;
};

}  // namespace relaysync::core
