#pragma once
// One node's database through Poco::Data. "sqlite:<file>" today; the SQL is portable so that
// "postgresql:<connection string>" can replace it without touching the engine.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <Poco/Data/Session.h>

namespace relaysync::core {

class StatementCache;

// Schema version this build writes; opening a newer database is refused.
inline constexpr int kSchemaVersion = 5;

class DatabaseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Database {
public:
    // Opens (creating if needed) and migrates. Throws DatabaseError naming the URL and reason.
    explicit Database(const std::string& url);
    ~Database();

    Poco::Data::Session& session() { return session_; }
    // The connection's compiled statements, for Query (persistence/sql_query.h): the statements
    // run per message and per entry go there.
    StatementCache& statements() { return *statements_; }
    const std::string& url() const { return url_; }

    // Next value of a named counter, stored in the database (message ids, versions, group ids).
    std::int64_t nextCounter(const std::string& name);
    // After a rollback: the counters' values are read from the database again.
    void forgetCounters();

    int schemaVersion();
    // Whether a transaction is open on the connection.
    bool inTransaction();

    // Deletes all but the `keep` rows of `table` with the highest `seq`; returns how many went.
    std::size_t keepNewest(const std::string& table, std::size_t keep);
    // Gives the pages that deletions freed back to the file system (SQLite databases made since
    // schema 3 keep incremental auto-vacuum; older files and PostgreSQL: nothing to do). A long
    // outage's outbox, once sent, no longer leaves the file at its largest size for good.
    void releaseFreePages();

    // Drawn at random when the database is made: message ids carry it (protocol/message_id.h).
    const std::string& epoch() const { return epoch_; }

private:
    void migrate();
    void enableIncrementalVacuum();

    std::string url_;
    Poco::Data::Session session_;
    std::unique_ptr<StatementCache> statements_;  // after session_: finalized before it closes
    std::string epoch_;
    std::map<std::string, std::int64_t> counters_;  // nextCounter's last values, by name
};

// Commits on commit(), rolls back if destroyed before it.
class Transaction {
public:
    explicit Transaction(Database& database);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Database& database_;
    bool done_ = false;
};

}  // namespace relaysync::core
