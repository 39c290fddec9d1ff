#pragma once
// The SQL behind a status page (assembly/status_page.h): a share's visible entries a bounded
// number at a time, and how many it has, without reading them all into memory.
//
// Pages are keyset pages on resource_entries' primary key (share_id, name, owner): "the next
// `limit` names after this one" is a range search on that index, so a page far into a share
// costs what the first one costs (no OFFSET, no new index).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/share.h"
#include "persistence/database.h"

namespace relaysync::core {

class StatusQueries {
public:
    explicit StatusQueries(Database& database) : session_(database.session()) {}

    // At most `limit` of the share's visible live entries (the records ShareRepository::entries
    // shows: per name, the live record of the smallest owner among the share's members), by
    // name, with names after `after` (from the first when nullopt).
    std::vector<ResourceEntry> entriesAfter(const std::string& share_id, const std::optional<std::string>& after,
                                            std::size_t limit);

    // How many entries ShareRepository::entries would show, counted in SQL. It visits every
    // record of the share: about a second per million on a small machine, so status counts
    // only when asked.
    std::int64_t countEntries(const std::string& share_id);

private:
    Poco::Data::Session& session_;
};

}  // namespace relaysync::core
