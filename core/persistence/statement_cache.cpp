#include "persistence/statement_cache.h"

#include <sqlite3.h>

#include "persistence/database.h"

namespace relaysync::core {

StatementCache::~StatementCache() {
    for (auto& [sql, entry] : statements_) sqlite3_finalize(entry.statement);
}

sqlite3_stmt* StatementCache::compile(std::string_view sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(connection_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &statement, nullptr) != SQLITE_OK) {
        sqlite3_finalize(statement);
        throw DatabaseError(std::string("cannot compile SQL: ") + sqlite3_errmsg(connection_) + " (in: " +
                            std::string(sql) + ")");
    }
    return statement;
}

sqlite3_stmt* StatementCache::borrow(std::string_view sql, bool*& in_use) {
    auto found = statements_.find(sql);
    if (found == statements_.end()) found = statements_.emplace(std::string(sql), Entry{compile(sql), false}).first;
    if (found->second.in_use) {
        in_use = nullptr;
        return compile(sql);
    }
    found->second.in_use = true;
    in_use = &found->second.in_use;
    return found->second.statement;
}

}  // namespace relaysync::core
