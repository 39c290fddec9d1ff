#pragma once
// The compiled statements of one SQLite connection, by SQL text (Query borrows them): compiling
// costs more than running most of the node's statements, and a message runs a dozen.

#include <map>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace relaysync::core {

class StatementCache {
public:
    explicit StatementCache(sqlite3* connection) : connection_(connection) {}
    ~StatementCache();  // finalizes them all, before the connection closes
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;

    // The compiled statement for `sql`, with `in_use` pointing at its flag (set; clear it to
    // give it back). When it is in use already (a nested run), a fresh one that the caller
    // finalizes, with `in_use` null. Throws DatabaseError.
    sqlite3_stmt* borrow(std::string_view sql, bool*& in_use);

private:
    struct Entry {
        sqlite3_stmt* statement = nullptr;
        bool in_use = false;
    };
    sqlite3_stmt* compile(std::string_view sql);

    sqlite3* connection_;
    std::map<std::string, Entry, std::less<>> statements_;
};

}  // namespace relaysync::core
