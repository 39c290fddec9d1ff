#pragma once
// The compiled statements of one SQLite connection, by SQL text (Query borrows them): compiling
// costs more than running most of the node's statements, and a message runs a dozen.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

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
    // Hashed, not ordered: the SQL texts share long prefixes ("SELECT share_id, name, ..."),
    // which an ordered map compares again at every level of every look-up.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const noexcept { return std::hash<std::string_view>{}(sql); }
    };
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> statements_;
};

}  // namespace relaysync::core
