#include "persistence/share_repository.h"

#include <chrono>
#include <cstdio>
#include <map>

#include <Poco/Data/Statement.h>
#include <Poco/Tuple.h>

#include "model/wall_clock.h"
#include "persistence/sql_query.h"

using namespace Poco::Data::Keywords;

namespace relaysync::core {

namespace {

const char* kEntryColumns =
    "SELECT share_id, name, owner, location, status, kind, modified_ms, size, hash, version, removed"
    " FROM resource_entries ";

// SQL true when the record in `table` belongs to an owner the share's stored definition lists,
// or the share has no stored definition (records alone, as in a repository's own tests).
std::string ownerListed(const std::string& table) {
    return "NOT EXISTS (SELECT 1 FROM shares s WHERE s.share_id = " + table +
           ".share_id AND NOT EXISTS (SELECT 1 FROM share_members m WHERE m.share_id = s.share_id AND m.account = " +
           table + ".owner))";
}

// A row of kEntryColumns, read in place.
ResourceEntry entryFromRow(const Query& row) {
    ResourceEntry entry;
    entry.share_id = row.view(0);
    entry.name = row.view(1);
    entry.owner = row.view(2);
    entry.location = row.view(3);
    entry.status = row.view(4);
    entry.details.kind = row.view(5) == "folder" ? sdk::EntityKind::folder : sdk::EntityKind::file;
    entry.details.modified_ms = row.integer(6);
    entry.details.size = static_cast<std::uint64_t>(row.integer(7));
    entry.details.hash = row.view(8);
    entry.version = row.integer(9);
    entry.removed = row.integer(10) != 0;
    return entry;
}
}  // namespace

std::vector<Share> ShareRepository::shares() {
    std::vector<std::string> ids;
    session_ << "SELECT share_id FROM shares WHERE removed = 0 ORDER BY share_id", into(ids), now;
    std::vector<Share> result;
    for (const auto& id : ids)
        if (auto share = find(id)) result.push_back(std::move(*share));
    return result;
}

std::optional<Share> ShareRepository::find(const std::string& share_id) {
    auto share = record(share_id);
    if (share && share->removed) return std::nullopt;
    return share;
}

std::optional<Share> ShareRepository::record(const std::string& share_id) {
    Query definition(database_, "SELECT group_id, name, creator, version, removed FROM shares WHERE share_id = ?");
    definition.bind(share_id);
    if (!definition.next()) return std::nullopt;
    Share share;
    share.id = share_id;
    share.group_id = definition.text(0);
    share.name = definition.text(1);
    share.creator = definition.text(2);
    share.version = definition.integer(3);
    share.removed = definition.integer(4) != 0;
    Query members(database_, "SELECT account FROM share_members WHERE share_id = ? ORDER BY account");
    members.bind(share_id);
    while (members.next()) share.members.push_back(members.text(0));
    return share;
}

bool ShareRepository::putIfNewer(const Share& share) {
    const auto stored = record(share.id);
    if (stored && (stored->removed || stored->version >= share.version)) return false;
    std::string id = share.id, group = share.group_id, name = share.name, creator = share.creator;
    Poco::Int64 version = share.version;
    int removed = share.removed ? 1 : 0;
    session_ << "INSERT INTO shares (share_id, group_id, name, creator, version, removed) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (share_id) DO UPDATE SET group_id = excluded.group_id, name = excluded.name,"
                " creator = excluded.creator, version = excluded.version, removed = excluded.removed",
        use(id), use(group), use(name), use(creator), use(version), use(removed), now;
    session_ << "DELETE FROM share_members WHERE share_id = ?", use(id), now;
    for (const auto& member : share.members) {
        std::string account = member;
        session_ << "INSERT INTO share_members (share_id, account) VALUES (?, ?) ON CONFLICT DO NOTHING", use(id),
            use(account), now;
    }
    // A deleted share keeps nothing of what was shared in it.
    if (share.removed) session_ << "DELETE FROM resource_entries WHERE share_id = ?", use(id), now;
    return true;
}

void ShareRepository::remove(const std::string& share_id) {
    std::string id = share_id;
    session_ << "DELETE FROM resource_entries WHERE share_id = ?", use(id), now;
    session_ << "DELETE FROM share_members WHERE share_id = ?", use(id), now;
    session_ << "DELETE FROM shares WHERE share_id = ?", use(id), now;
}

std::vector<std::string> ShareRepository::shareIdsOfGroup(const std::string& group_id) {
    std::string group = group_id;
    std::vector<std::string> ids;
    session_ << "SELECT share_id FROM shares WHERE group_id = ? ORDER BY share_id", into(ids), use(group), now;
    return ids;
}

std::vector<ResourceEntry> ShareRepository::selectEntries(const std::string& where_and_order,
                                                          const std::vector<std::string>& values) {
    std::string sql = kEntryColumns;
    sql += where_and_order;
    Query select(database_, sql);
    for (const auto& value : values) select.bind(value);
    std::vector<ResourceEntry> entries;
    while (select.next()) entries.push_back(entryFromRow(select));
    return entries;
}

std::vector<ResourceEntry> ShareRepository::entries(const std::string& share_id) {
    // The live record of the smallest owner per name (visibleEntry), in one query.
    return selectEntries("WHERE share_id = ? AND removed = 0 AND " + ownerListed("resource_entries") +
                             " AND owner = (SELECT MIN(o.owner) FROM resource_entries o"
                             " WHERE o.share_id = resource_entries.share_id AND o.name = resource_entries.name"
                             " AND o.removed = 0 AND " + ownerListed("o") + ") ORDER BY share_id, name",
                         {share_id});
}

bool ShareRepository::smallerOwnerHasLiveRecords(const std::string& share_id, const std::string& owner,
                                                 const std::optional<Share>& share) {
    if (!share) {
        // Records alone, without a definition (a repository's own tests): a scan of the share.
        Query any(database_, "SELECT 1 FROM resource_entries WHERE share_id = ? AND owner < ? AND removed = 0 LIMIT 1");
        any.bind(share_id).bind(owner);
        return any.next();
    }
    // Members are few: one index look-up (owner, location) each.
    for (const auto& member : share->members) {
        if (member >= owner) break;  // sorted
        Query any(database_, "SELECT 1 FROM resource_entries WHERE owner = ? AND share_id = ? AND removed = 0 LIMIT 1");
        any.bind(member).bind(share_id);
        if (any.next()) return true;
    }
    return false;
}

std::set<std::string> ShareRepository::hiddenNamesOf(const std::string& share_id, const std::string& owner) {
    std::set<std::string> names;
    const auto share = record(share_id);
    if (share && !share->isMember(owner)) {
        // Not listed: none of its records is shown.
        Query all(database_, "SELECT name FROM resource_entries WHERE share_id = ? AND owner = ? AND removed = 0");
        all.bind(share_id).bind(owner);
        while (all.next()) names.emplace(all.view(0));
        return names;
    }
    // Usually no smaller owner has anything live in the share, and nothing is looked up per name.
    if (!smallerOwnerHasLiveRecords(share_id, owner, share)) return names;
    Query shadowed(database_,
                   "SELECT r.name FROM resource_entries r WHERE r.share_id = ? AND r.owner = ? AND r.removed = 0"
                   " AND EXISTS (SELECT 1 FROM resource_entries o WHERE o.share_id = r.share_id AND o.name = r.name"
                   " AND o.owner < r.owner AND o.removed = 0 AND " + ownerListed("o") + ")");
    shadowed.bind(share_id).bind(owner);
    while (shadowed.next()) names.emplace(shadowed.view(0));
    return names;
}

std::vector<ResourceEntry> ShareRepository::entriesWithTombstones(const std::string& share_id) {
    return selectEntries("WHERE share_id = ? ORDER BY share_id, name", {share_id});
}

const ResourceEntry* ShareRepository::visibleEntry(const std::vector<ResourceEntry>& records) {
    const ResourceEntry* shown = nullptr;
    for (const auto& record : records) {
        if (!shown) {
            shown = &record;
        } else if (record.removed != shown->removed) {
            if (!record.removed) shown = &record;
        } else if (!record.removed ? record.owner < shown->owner
                                   : record.version > shown->version ||
                                         (record.version == shown->version && record.owner < shown->owner)) {
            shown = &record;
        }
    }
    return shown;
}

std::optional<ResourceEntry> ShareRepository::entry(const std::string& share_id, const std::string& name) {
    const auto records = selectEntries("WHERE share_id = ? AND name = ? AND " + ownerListed("resource_entries") +
                                           " ORDER BY owner",
                                       {share_id, name});
    if (const auto* shown = visibleEntry(records)) return *shown;
    return std::nullopt;
}

std::optional<ResourceEntry> ShareRepository::entryOf(const std::string& share_id, const std::string& name,
                                                      const std::string& owner) {
    Query select(database_, std::string(kEntryColumns) + "WHERE share_id = ? AND name = ? AND owner = ?");
    select.bind(share_id).bind(name).bind(owner);
    if (!select.next()) return std::nullopt;
    return entryFromRow(select);
}

OwnerDigests ShareRepository::ownerDigests(const std::string& share_id) {
    Query rows(database_, "SELECT owner, name, version FROM resource_entries WHERE share_id = ? AND removed = 0 AND " +
                              ownerListed("resource_entries") + " ORDER BY owner, name");
    rows.bind(share_id);
    std::map<std::string, std::uint64_t, std::less<>> hashes;
    const auto mix = [](std::uint64_t hash, std::string_view text) {
        for (const unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
        return (hash ^ 0xffU) * 0x100000001b3ULL;  // a separator no UTF-8 text contains
    };
    // Rows come by owner: its running hash is looked up once per owner, not per row.
    std::uint64_t* hash = nullptr;
    std::string_view current_owner;
    while (rows.next()) {
        const auto owner = rows.view(0);
        if (!hash || owner != current_owner) {
            const auto found = hashes.try_emplace(std::string(owner), 0xcbf29ce484222325ULL).first;
            hash = &found->second;
            current_owner = found->first;
        }
        *hash = mix(mix(*hash, rows.view(1)), std::to_string(rows.integer(2)));
    }
    OwnerDigests digests;
    for (const auto& [owner, hash] : hashes) {
        char text[20];
        std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
        digests[owner] = text;
    }
    return digests;
}

std::vector<ResourceEntry> ShareRepository::recordsOf(const std::string& share_id, const std::string& owner) {
    return selectEntries("WHERE share_id = ? AND owner = ? ORDER BY share_id, name", {share_id, owner});
}

void ShareRepository::removeRecordsOf(const std::string& share_id, const std::string& owner) {
    std::string id = share_id, who = owner;
    session_ << "DELETE FROM resource_entries WHERE share_id = ? AND owner = ?", use(id), use(who), now;
}

std::vector<ResourceEntry> ShareRepository::entriesOwnedBy(const std::string& owner) {
    return selectEntries("WHERE owner = ? AND removed = 0 ORDER BY location", {owner});
}

void ShareRepository::visitEntriesOwnedBy(const std::string& owner,
                                          const std::function<void(const OwnRecordView&)>& visit) {
    Query select(database_,
                 "SELECT share_id, name, location, status, kind, modified_ms, size, hash, version"
                 " FROM resource_entries WHERE owner = ? AND removed = 0 ORDER BY location");
    select.bind(owner);
    OwnRecordView row;
    while (select.next()) {
        row.share_id = select.view(0);
        row.name = select.view(1);
        row.location = select.view(2);
        row.status = select.view(3);
        row.kind = select.view(4) == "folder" ? sdk::EntityKind::folder : sdk::EntityKind::file;
        row.modified_ms = select.integer(5);
        row.size = static_cast<std::uint64_t>(select.integer(6));
        row.hash = select.view(7);
        row.version = select.integer(8);
        visit(row);
    }
}

std::vector<ResourceEntry> ShareRepository::entriesOwnedAt(const std::string& owner, const std::string& location) {
    return selectEntries("WHERE owner = ? AND location = ? AND removed = 0 ORDER BY share_id, name", {owner, location});
}

// Versions order the changes of one owner to its own record; records of different owners never
// replace each other, so the merge is "highest version per (share, name, owner)" everywhere and
// replicas converge whatever the order of arrival. Which record a name shows is visibleEntry's
// rule. Relays refuse a terminal's claim of a name that is live for another owner
// (RelayEngine::onResourceInfo); two claims made at once are settled by that rule.
bool ShareRepository::putEntryIfNewer(const ResourceEntry& entry) {
    // One statement: only the stored version decides (the record itself is not read), and a
    // stored version as high or higher leaves the row as it is and counts no change.
    Query upsert(database_,
                 "INSERT INTO resource_entries (share_id, name, owner, location, status, kind, modified_ms, size, hash,"
                 " version, removed, stored_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                 " ON CONFLICT (share_id, name, owner) DO UPDATE SET"
                 " location = excluded.location, status = excluded.status,"
                 " kind = excluded.kind, modified_ms = excluded.modified_ms, size = excluded.size,"
                 " hash = excluded.hash, version = excluded.version, removed = excluded.removed,"
                 " stored_ms = excluded.stored_ms"
                 " WHERE excluded.version > resource_entries.version");
    upsert.bind(entry.share_id).bind(entry.name).bind(entry.owner).bind(entry.location).bind(entry.status);
    upsert.bind(sdk::toString(entry.details.kind)).bind(entry.details.modified_ms);
    upsert.bind(static_cast<std::int64_t>(entry.details.size)).bind(entry.details.hash).bind(entry.version);
    upsert.bind(std::int64_t{entry.removed ? 1 : 0}).bind(wallClockMs());
    return upsert.run() > 0;
}

std::size_t ShareRepository::pruneTombstones(std::int64_t older_than_ms, std::int64_t now_ms) {
    Poco::Int64 cutoff = older_than_ms, at = now_ms;
    session_ << "UPDATE resource_entries SET stored_ms = ? WHERE removed = 1 AND stored_ms = 0", use(at), now;
    Poco::Data::Statement remove(session_);
    remove << "DELETE FROM resource_entries WHERE removed = 1 AND stored_ms < ?", use(cutoff);
    auto pruned = remove.execute();
    // A deleted share's tombstone, timed from when the pruning first saw it (deletion is rare,
    // so a first sighting is near enough), goes with its members' rows.
    session_ << "UPDATE shares SET removed_ms = ? WHERE removed = 1 AND removed_ms = 0", use(at), now;
    session_ << "DELETE FROM share_members WHERE share_id IN"
                " (SELECT share_id FROM shares WHERE removed = 1 AND removed_ms < ?)",
        use(cutoff), now;
    Poco::Data::Statement drop(session_);
    drop << "DELETE FROM shares WHERE removed = 1 AND removed_ms < ?", use(cutoff);
    return pruned + drop.execute();
}

}  // namespace relaysync::core
