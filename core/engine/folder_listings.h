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
#include <optional>
#include <string>
#include <utility>

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
    // as a file; nothing when it must be stat-ed.
    std::optional<sdk::EntityDetails> listed(const StoreRouter::Route& route);

private:
    using Folder = std::pair<std::string, std::string>;  // store prefix, folder path
    struct Listing {
        std::size_t expected = 0;
        bool read = false;
        std::map<std::string, sdk::EntityDetails> files;  // empty when the listing failed
    };
    static std::optional<std::pair<Folder, std::string>> split(const StoreRouter::Route& route);

    std::chrono::milliseconds timeout_;
    std::map<Folder, Listing> folders_;
};

}  // namespace relaysync::core
