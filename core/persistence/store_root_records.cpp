#include "persistence/store_root_records.h"

#include <Poco/Tuple.h>

using namespace Poco::Data::Keywords;

namespace relaysync::core {

std::map<std::string, std::string> StoreRootRecords::all() {
    std::vector<Poco::Tuple<std::string, std::string>> rows;
    session_ << "SELECT prefix, identity FROM store_roots", into(rows), now;
    std::map<std::string, std::string> identities;
    for (const auto& row : rows) identities[row.get<0>()] = row.get<1>();
    return identities;
}

void StoreRootRecords::put(const std::string& prefix, const std::string& identity, std::int64_t now_ms) {
    std::string key = prefix, value = identity;
    Poco::Int64 at = now_ms;
    if (value.empty()) {
        session_ << "DELETE FROM store_roots WHERE prefix = ?", use(key), now;
        return;
    }
    session_ << "INSERT INTO store_roots (prefix, identity, accepted_ms) VALUES (?, ?, ?)"
                " ON CONFLICT (prefix) DO UPDATE SET identity = excluded.identity, accepted_ms = excluded.accepted_ms",
        use(key), use(value), use(at), now;
}

}  // namespace relaysync::core
