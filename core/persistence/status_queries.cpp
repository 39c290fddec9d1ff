#include "persistence/status_queries.h"

#include <Poco/Data/Statement.h>
#include <Poco/Tuple.h>

using namespace Poco::Data::Keywords;

namespace relaysync::core {

namespace {

// The record `e` is shown: it is live, its owner is listed by the share's stored definition
// (or the share has none), and no listed owner with a smaller account has a live record of the
// same name (ShareRepository::visibleEntry). Every lookup is a search on a primary key.
const char* kVisible =
    " e.removed = 0"
    " AND NOT EXISTS (SELECT 1 FROM shares s WHERE s.share_id = e.share_id AND NOT EXISTS"
    "  (SELECT 1 FROM share_members m WHERE m.share_id = s.share_id AND m.account = e.owner))"
    " AND NOT EXISTS (SELECT 1 FROM resource_entries o WHERE o.share_id = e.share_id AND o.name = e.name"
    "  AND o.owner < e.owner AND o.removed = 0 AND NOT EXISTS (SELECT 1 FROM shares s WHERE s.share_id = o.share_id"
    "  AND NOT EXISTS (SELECT 1 FROM share_members m WHERE m.share_id = s.share_id AND m.account = o.owner)))";

using EntryRow = Poco::Tuple<std::string, std::string, std::string, std::string, std::string, Poco::Int64,
                             Poco::Int64, std::string, Poco::Int64>;

ResourceEntry entryFromRow(const std::string& share_id, const EntryRow& row) {
    ResourceEntry entry;
    entry.share_id = share_id;
    entry.name = row.get<0>();
    entry.owner = row.get<1>();
    entry.location = row.get<2>();
    entry.status = row.get<3>();
    entry.details.kind = row.get<4>() == "folder" ? sdk::EntityKind::folder : sdk::EntityKind::file;
    entry.details.modified_ms = row.get<5>();
    entry.details.size = static_cast<std::uint64_t>(row.get<6>());
    entry.details.hash = row.get<7>();
    entry.version = row.get<8>();
    return entry;
}

}  // namespace

std::vector<ResourceEntry> StatusQueries::entriesAfter(const std::string& share_id,
                                                       const std::optional<std::string>& after, std::size_t limit) {
    if (limit == 0) return {};
    std::string share = share_id, from = after.value_or("");
    Poco::Int64 most = static_cast<Poco::Int64>(limit);
    std::vector<EntryRow> rows;
    Poco::Data::Statement select(session_);
    select << "SELECT e.name, e.owner, e.location, e.status, e.kind, e.modified_ms, e.size, e.hash, e.version"
              " FROM resource_entries e WHERE e.share_id = ?"
           << (after ? " AND e.name > ?" : "") << " AND" << kVisible << " ORDER BY e.name LIMIT ?",
        into(rows), use(share);
    if (after) select, use(from);
    select, use(most);
    select.execute();
    std::vector<ResourceEntry> entries;
    entries.reserve(rows.size());
    for (const auto& row : rows) entries.push_back(entryFromRow(share_id, row));
    return entries;
}

std::int64_t StatusQueries::countEntries(const std::string& share_id) {
    std::string share = share_id;
    Poco::Int64 count = 0;
    session_ << "SELECT COUNT(*) FROM resource_entries e WHERE e.share_id = ? AND" + std::string(kVisible),
        into(count), use(share), now;
    return count;
}

}  // namespace relaysync::core
