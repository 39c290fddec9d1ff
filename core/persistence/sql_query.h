#pragma once
// One run of a statement that stays compiled: the first run of a given SQL text on a connection
// prepares it, later runs only bind, step and reset. Rows are read column by column straight
// from SQLite, without Poco::Data's per-column extraction into tuples. The SQL stays portable
// (the schema's own dialect); another backend would give this class another body.
//
//   Query query(database, "SELECT name, version FROM resource_entries WHERE share_id = ?");
//   query.bind(share_id);
//   while (query.next()) use(query.text(0), query.integer(1));
//
// A Query must not outlive its Database; one thread at a time uses a Database (the node's lock).

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3_stmt;

namespace relaysync::core {

class Database;

class Query {
public:
    // Borrows the connection's compiled copy of `sql` (compiling it the first time); a nested
    // run of the same text while this one is open gets a copy of its own.
    Query(Database& database, std::string_view sql);
    ~Query();  // resets the statement and gives it back
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;

    // Parameters in order, from the first '?'.
    Query& bind(std::int64_t value);
    Query& bind(std::string_view value);
    Query& bindNull();

    // The next row; false when there is none left. Throws DatabaseError.
    bool next();
    // Runs a statement that gives no rows (or whose rows are not wanted); returns the rows changed.
    std::size_t run();

    // Columns of the current row, from 0.
    std::int64_t integer(int column) const;
    // Valid until the next call of next() or the end of the query.
    std::string_view view(int column) const;
    std::string text(int column) const { return std::string(view(column)); }
    bool isNull(int column) const;

private:
    [[noreturn]] void fail(const char* what) const;

    Database& database_;
    sqlite3_stmt* statement_ = nullptr;
    bool* in_use_ = nullptr;  // the cached statement's flag; null: a private copy, finalized at the end
    int next_parameter_ = 1;
};

}  // namespace relaysync::core
