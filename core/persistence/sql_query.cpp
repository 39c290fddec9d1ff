#include "persistence/sql_query.h"

#include <sqlite3.h>

#include "persistence/database.h"
#include "persistence/statement_cache.h"

namespace relaysync::core {

Query::Query(Database& database, std::string_view sql) : database_(database) {
    statement_ = database.statements().borrow(sql, in_use_);
}

Query::~Query() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
    if (in_use_) *in_use_ = false;
    else sqlite3_finalize(statement_);
}

void Query::fail(const char* what) const {
    throw DatabaseError("database '" + database_.url() + "': " + what + ": " +
                        sqlite3_errmsg(sqlite3_db_handle(statement_)) + " (in: " + sqlite3_sql(statement_) + ")");
}

Query& Query::bind(std::int64_t value) {
    if (sqlite3_bind_int64(statement_, next_parameter_++, value) != SQLITE_OK) fail("bind");
    return *this;
}

Query& Query::bind(std::string_view value) {
    // SQLITE_TRANSIENT: SQLite copies the text, so the caller's string may go before the run ends.
    if (sqlite3_bind_text(statement_, next_parameter_++, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK)
        fail("bind");
    return *this;
}

Query& Query::bindNull() {
    if (sqlite3_bind_null(statement_, next_parameter_++) != SQLITE_OK) fail("bind");
    return *this;
}

bool Query::next() {
    const int result = sqlite3_step(statement_);
    if (result == SQLITE_ROW) return true;
    if (result == SQLITE_DONE) return false;
    fail("step");
}

std::size_t Query::run() {
    while (next()) {
    }
    return static_cast<std::size_t>(sqlite3_changes(sqlite3_db_handle(statement_)));
}

std::int64_t Query::integer(int column) const { return sqlite3_column_int64(statement_, column); }

std::string_view Query::view(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
    const int bytes = sqlite3_column_bytes(statement_, column);
    return text ? std::string_view(text, static_cast<std::size_t>(bytes)) : std::string_view();
}

bool Query::isNull(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

}  // namespace relaysync::core
