#pragma once
// Shared resource information as stored at one node: shares, members, resource entries.

#include <functional>
#include <optional>
#include <set>
#include <string_view>
#include <string>
#include <vector>

#include "model/owner_digests.h"
#include "model/share.h"
#include "persistence/database.h"

namespace relaysync::core {

class ShareRepository {
public:
    explicit ShareRepository(Database& database) : database_(database), session_(database.session()) {}

    // Live shares, by id (deleted ones are left out).
    std::vector<Share> shares();
    // The live definition; nullopt when the share is unknown here or was deleted.
    std::optional<Share> find(const std::string& share_id);
    // The stored definition, a deleted share's tombstone included.
    std::optional<Share> record(const std::string& share_id);
    // Stores the definition if its version is newer than the stored one; true if it was. A
    // tombstone (`removed`) is kept for good: nothing replaces it, and storing one drops every
    // record of the share.
    bool putIfNewer(const Share& share);
    // Forgets a share and its entries (a terminal that is no longer a member).
    void remove(const std::string& share_id);
    // Ids of every share of a group stored here, deleted ones included (a node leaving the
    // group forgets them all).
    std::vector<std::string> shareIdsOfGroup(const std::string& group_id);

    // Entries are kept per (share, name, owner): each owner writes only its own records, and a
    // name's visible entry is chosen from them by one rule (visibleEntry), so every replica that
    // holds the same records shows the same thing, whatever order they arrived in. Records of an
    // owner that the stored definition does not list as a member are kept but not shown (nor
    // digested): a terminal removed from a share takes its resources with it, and has them back,
    // numbered where they were, if it is added again.

    // The visible live entries of a share, by name.
    std::vector<ResourceEntry> entries(const std::string& share_id);
    // The names of `owner`'s live records in a share that are not shown (a smaller owner's live
    // claim shadows them, or the owner is not a member): what entriesOwnedBy() has of the share,
    // less these, is what entries() shows of that owner, read without anyone else's records (a
    // terminal's check of its own resources). Usually none, and only names are read.
    std::set<std::string> hiddenNamesOf(const std::string& share_id, const std::string& owner);
    // Every stored record of a share, tombstones and shadowed claims included (a full copy).
    std::vector<ResourceEntry> entriesWithTombstones(const std::string& share_id);
    // The visible entry of a name: a live one if any owner has one, else its latest tombstone.
    std::optional<ResourceEntry> entry(const std::string& share_id, const std::string& name);
    // `owner`'s own record of a name, tombstone included.
    std::optional<ResourceEntry> entryOf(const std::string& share_id, const std::string& name,
                                         const std::string& owner);
    // Live records of `owner` in every share this node holds, by location: one pass over the
    // (owner, location) index, no sorting.
    std::vector<ResourceEntry> entriesOwnedBy(const std::string& owner);
    // One live record of an owner as its row gives it: the texts are valid only while the
    // visitor runs.
    struct OwnRecordView {
        std::string_view share_id, name, location, status, hash;
        sdk::EntityKind kind = sdk::EntityKind::file;
        std::int64_t modified_ms = 0;
        std::uint64_t size = 0;
        std::int64_t version = 0;
    };
    // entriesOwnedBy's records, one at a time and without a copy of each: a check of 100,000
    // entities reads them under the node's lock.
    void visitEntriesOwnedBy(const std::string& owner, const std::function<void(const OwnRecordView&)>& visit);
    // The same, at one location only (an index look-up).
    std::vector<ResourceEntry> entriesOwnedAt(const std::string& owner, const std::string& location);
    // Stores the record if its version is newer than the same owner's stored one; true if it was.
    bool putEntryIfNewer(const ResourceEntry& entry);

    // Per owner, a digest of its live records in the share (FNV-1a over name and version, in
    // name order): what a synchronize compares to find records a node missed.
    OwnerDigests ownerDigests(const std::string& share_id);
    // Deletes entry and share tombstones stored before `older_than_ms` (a late message older
    // than that could bring a record back: the retention period says how late none comes);
    // returns how many.
    std::size_t pruneTombstones(std::int64_t older_than_ms, std::int64_t now_ms);
    // Every record of `owner` in the share, tombstones included.
    std::vector<ResourceEntry> recordsOf(const std::string& share_id, const std::string& owner);
    // Drops every record of `owner` in the share (its relay left the group).
    void removeRecordsOf(const std::string& share_id, const std::string& owner);

    // Which of one name's records is shown: any live record beats every tombstone; among live
    // records the smallest owner account wins (two terminals that claimed a name at once, at
    // different relays); among tombstones the highest version. Null for no records.
    static const ResourceEntry* visibleEntry(const std::vector<ResourceEntry>& records);

private:
    std::vector<ResourceEntry> selectEntries(const std::string& where_and_order, const std::vector<std::string>& values);
    // Whether a listed owner whose account sorts before `owner` has a live record in the share:
    // only then can one of `owner`'s names be shadowed.
    bool smallerOwnerHasLiveRecords(const std::string& share_id, const std::string& owner,
                                    const std::optional<Share>& share);

    Database& database_;
    Poco::Data::Session& session_;
};

}  // namespace relaysync::core
