#pragma once
// Recent folder listings, for stat() to answer from (docs/storage-smb-bench.md).
//
// Core checks a share one entity at a time (a stat each), and a stat over SMB costs a round trip
// of the server (~0.3-0.8 ms); one listing of a folder brings the details of all its entries for
// not much more (~20 us an entry). So when stats come in a burst in one folder (a check walks a
// share in path order), the folder is listed once and the burst answered from that listing:
//
//  - a folder is listed on its second stat within kFresh (its first stat is a plain one: a lone
//    stat in a large folder never pays for a listing), and a folder known to be large only once
//    the stats in it reach 1/kEntriesPerStat of its entries;
//  - a listing answers only within kFresh of being taken, and only for names it holds: a name it
//    lacks is asked of the server (not_found is only ever the server's answer, with the root
//    probed), as is anything not spelled the way the server listed it;
//  - probe() forgets every listing: core probes the root at the start of each check, so no check
//    is answered from a listing taken before it began (and a root just removed is asked).
//
// So a stat may answer what the server listed up to kFresh ago, never longer. Thread-safe; never
// held while the server is asked.

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "relaysync/sdk/entity.h"

namespace relaysync::storage_smb {

class ListingCache {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kFresh{1000};
    static constexpr std::size_t kFolders = 8;            // listings kept, most recent first
    static constexpr std::size_t kEntriesPerStat = 64;    // when a known-large folder is worth listing
    static constexpr std::size_t kSizesKept = 4096;       // folder sizes remembered

    // The details of `name` in `folder` (a key naming the folder, e.g. its URL) from a listing
    // taken within kFresh; false when there is none or it lacks the name.
    bool find(const std::string& folder, const std::string& name, Clock::time_point now, sdk::EntityDetails& details);
    // Counts a stat the server answers in `folder`; true when the folder should be listed now.
    bool worthListing(const std::string& folder, Clock::time_point now);
    // A listing of `folder` taken at `taken`: names (as the store spells them) and their details.
    void keep(const std::string& folder, Clock::time_point taken, std::unordered_map<std::string, sdk::EntityDetails> items);
    // Forgets every listing and every count (folder sizes are kept: they only pace listings).
    void clear();

private:
    struct Listing {
        std::string folder;
        Clock::time_point taken;
        std::unordered_map<std::string, sdk::EntityDetails> items;
    };
    struct Stats {
        Clock::time_point since;
        std::size_t count = 0;
    };

    std::mutex mutex_;
    std::deque<Listing> listings_;
    std::map<std::string, Stats> stats_;
    std::unordered_map<std::string, std::size_t> sizes_;
};

}  // namespace relaysync::storage_smb
