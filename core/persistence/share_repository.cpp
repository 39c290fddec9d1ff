#include "persistence/share_repository.h"

#include <chrono>
#include <cstdio>
#include <map>

#include <Poco/Data/Statement.h>
#include <Poco/Tuple.h>

using namespace Poco::Data::Keywords;

namespace relaysync::core {

namespace {
std::int64_t nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const char* kEntryColumns =
    "SELECT share_id, name, owner, location, status, kind, modified_ms, size, hash, version, removed"
    " FROM resource_entries ";

using EntryRow = Poco::Tuple<std::string, std::string, std::string, std::string, std::string, std::string,
                             Poco::Int64, Poco::Int64, std::string, Poco::Int64, int>;

// SQL true when the record in `table` belongs to an owner the share's stored definition lists,
// or the share has no stored definition (records alone, as in a repository's own tests).
std::string ownerListed(const std::string& table) {
    return "NOT EXISTS (SELECT 1 FROM shares s WHERE s.share_id = " + table +
           ".share_id AND NOT EXISTS (SELECT 1 FROM share_members m WHERE m.share_id = s.share_id AND m.account = " +
           table + ".owner))";
}

ResourceEntry entryFromRow(const EntryRow& row) {
    ResourceEntry entry;
    entry.share_id = row.get<0>();
    entry.name = row.get<1>();
    entry.owner = row.get<2>();
    entry.location = row.get<3>();
    entry.status = row.get<4>();
    entry.details.kind = row.get<5>() == "folder" ? sdk::EntityKind::folder : sdk::EntityKind::file;
    entry.details.modified_ms = row.get<6>();
    entry.details.size = static_cast<std::uint64_t>(row.get<7>());
    entry.details.hash = row.get<8>();
    entry.version = row.get<9>();
    entry.removed = row.get<10>() != 0;
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
    std::string id = share_id;
    std::vector<Poco::Tuple<std::string, std::string, std::string, Poco::Int64, int>> rows;
    session_ << "SELECT group_id, name, creator, version, removed FROM shares WHERE share_id = ?", into(rows), use(id),
        now;
    if (rows.empty()) return std::nullopt;
    Share share;
    share.id = share_id;
    share.group_id = rows.front().get<0>();
    share.name = rows.front().get<1>();
    share.creator = rows.front().get<2>();
    share.version = rows.front().get<3>();
    share.removed = rows.front().get<4>() != 0;
    session_ << "SELECT account FROM share_members WHERE share_id = ? ORDER BY account", into(share.members), use(id),
        now;
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

std::vector<ResourceEntry> ShareRepository::selectEntries(const std::string& where_clause,
                                                          std::vector<std::string> values) {
    std::vector<EntryRow> rows;
    Poco::Data::Statement select(session_);
    select << kEntryColumns << where_clause << " ORDER BY share_id, name", into(rows);
    for (auto& value : values) select, use(value);
    select.execute();
    std::vector<ResourceEntry> entries;
    entries.reserve(rows.size());
    for (const auto& row : rows) entries.push_back(entryFromRow(row));
    return entries;
}

std::vector<ResourceEntry> ShareRepository::entries(const std::string& share_id) {
    // The live record of the smallest owner per name (visibleEntry), in one query.
    return selectEntries("WHERE share_id = ? AND removed = 0 AND " + ownerListed("resource_entries") +
                             " AND owner = (SELECT MIN(o.owner) FROM resource_entries o"
                             " WHERE o.share_id = resource_entries.share_id AND o.name = resource_entries.name"
                             " AND o.removed = 0 AND " + ownerListed("o") + ")",
                         {share_id});
}

std::set<std::string> ShareRepository::hiddenNamesOf(const std::string& share_id, const std::string& owner) {
    std::string share = share_id, who = owner;
    std::vector<std::string> names;
    session_ << "SELECT name FROM resource_entries WHERE share_id = ? AND owner = ? AND removed = 0 AND (NOT " +
                    ownerListed("resource_entries") +
                    " OR EXISTS (SELECT 1 FROM resource_entries o WHERE o.share_id = resource_entries.share_id"
                    " AND o.name = resource_entries.name AND o.removed = 0 AND o.owner < resource_entries.owner AND " +
                    ownerListed("o") + "))",
        into(names), use(share), use(who), now;
    return {names.begin(), names.end()};
}

std::vector<ResourceEntry> ShareRepository::entriesWithTombstones(const std::string& share_id) {
    return selectEntries("WHERE share_id = ?", {share_id});
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
    const auto records = selectEntries("WHERE share_id = ? AND name = ? AND " + ownerListed("resource_entries"),
                                       {share_id, name});
    if (const auto* shown = visibleEntry(records)) return *shown;
    return std::nullopt;
}

std::optional<ResourceEntry> ShareRepository::entryOf(const std::string& share_id, const std::string& name,
                                                      const std::string& owner) {
    auto found = selectEntries("WHERE share_id = ? AND name = ? AND owner = ?", {share_id, name, owner});
    if (found.empty()) return std::nullopt;
    return found.front();
}

OwnerDigests ShareRepository::ownerDigests(const std::string& share_id) {
    std::string id = share_id;
    std::vector<Poco::Tuple<std::string, std::string, Poco::Int64>> rows;
    session_ << "SELECT owner, name, version FROM resource_entries WHERE share_id = ? AND removed = 0 AND " +
                    ownerListed("resource_entries") + " ORDER BY owner, name",
        into(rows), use(id), now;
    std::map<std::string, std::uint64_t> hashes;
    const auto mix = [](std::uint64_t hash, const std::string& text) {
        for (const unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ULL;
        return (hash ^ 0xffU) * 0x100000001b3ULL;  // a separator no UTF-8 text contains
    };
    for (const auto& row : rows) {
        auto& hash = hashes.try_emplace(row.get<0>(), 0xcbf29ce484222325ULL).first->second;
        hash = mix(mix(hash, row.get<1>()), std::to_string(row.get<2>()));
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
    return selectEntries("WHERE share_id = ? AND owner = ?", {share_id, owner});
}

void ShareRepository::removeRecordsOf(const std::string& share_id, const std::string& owner) {
    std::string id = share_id, who = owner;
    session_ << "DELETE FROM resource_entries WHERE share_id = ? AND owner = ?", use(id), use(who), now;
}

std::vector<ResourceEntry> ShareRepository::entriesOwnedBy(const std::string& owner) {
    return selectEntries("WHERE owner = ? AND removed = 0", {owner});
}

// Versions order the changes of one owner to its own record; records of different owners never
// replace each other, so the merge is "highest version per (share, name, owner)" everywhere and
// replicas converge whatever the order of arrival. Which record a name shows is visibleEntry's
// rule. Relays refuse a terminal's claim of a name that is live for another owner
// (RelayEngine::onResourceInfo); two claims made at once are settled by that rule.
bool ShareRepository::putEntryIfNewer(const ResourceEntry& entry) {
    const auto stored = entryOf(entry.share_id, entry.name, entry.owner);
    if (stored && stored->version >= entry.version) return false;
    std::string share = entry.share_id, name = entry.name, owner = entry.owner, location = entry.location,
                status = entry.status, kind = sdk::toString(entry.details.kind), hash = entry.details.hash;
    Poco::Int64 modified = entry.details.modified_ms, size = static_cast<Poco::Int64>(entry.details.size),
                version = entry.version;
    int removed = entry.removed ? 1 : 0;
    Poco::Int64 stored_ms = nowMs();
    session_ << "INSERT INTO resource_entries (share_id, name, owner, location, status, kind, modified_ms, size, hash,"
                " version, removed, stored_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (share_id, name, owner) DO UPDATE SET"
                " location = excluded.location, status = excluded.status,"
                " kind = excluded.kind, modified_ms = excluded.modified_ms, size = excluded.size,"
                " hash = excluded.hash, version = excluded.version, removed = excluded.removed,"
                " stored_ms = excluded.stored_ms",
        use(share), use(name), use(owner), use(location), use(status), use(kind), use(modified), use(size), use(hash),
        use(version), use(removed), use(stored_ms), now;
    return true;
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
