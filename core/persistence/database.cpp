#include "persistence/database.h"

#include <cstdio>
#include <mutex>
#include <optional>
#include <random>

#include <sqlite3.h>

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include "persistence/schema.h"
#include "persistence/sql_query.h"
#include "persistence/statement_cache.h"

using namespace Poco::Data::Keywords;

namespace relaysync::core {

namespace {

Poco::Data::Session openSession(const std::string& url) {
    static std::once_flag registered;
    std::call_once(registered, [] {
        // Before the first connection opens: one thread at a time uses a connection (the node's
        // lock), so SQLite's own per-connection mutex, taken for every column read, is not
        // needed (a tenth of a 100,000-entry check's snapshot query).
        Poco::Data::SQLite::Utility::setThreadMode(Poco::Data::SQLite::Utility::THREAD_MODE_MULTI);
        Poco::Data::SQLite::Connector::registerConnector();
    });
    const auto colon = url.find(':');
    const auto scheme = url.substr(0, colon);
    if (colon == std::string::npos || colon + 1 == url.size())
        throw DatabaseError("database '" + url + "': expected sqlite:<file> or postgresql:<connection string>");
    if (scheme == "sqlite") {
        // Poco retries a failed open until its connection timeout: keep that short.
        constexpr std::size_t kOpenTimeoutSeconds = 1;
        return Poco::Data::Session("SQLite", url.substr(colon + 1), kOpenTimeoutSeconds);
    }
    if (scheme == "postgresql")
        throw DatabaseError("database '" + scheme + ":...': PostgreSQL support is not built into this version");
    throw DatabaseError("database '" + url + "': unknown scheme '" + scheme + "' (sqlite or postgresql)");
}

Poco::Data::Session connect(const std::string& url) {
    try {
        return openSession(url);
    } catch (const Poco::Exception& e) {
        throw DatabaseError("database '" + url + "': " + e.displayText());
    }
}

// 60 random bits as 15 hex digits, stored once in meta (a BIGINT, so kept positive).
std::string readOrMakeEpoch(Poco::Data::Session& session) {
    std::vector<Poco::Int64> values;
    session << "SELECT value FROM meta WHERE name = 'epoch'", into(values), now;
    if (values.empty()) {
        std::random_device random;
        Poco::Int64 drawn = 0;
        for (int i = 0; i < 4; ++i) drawn = (drawn << 15) ^ static_cast<Poco::Int64>(random() & 0x7fff);
        drawn = (drawn & 0x0fffffffffffffffLL) | 0x0100000000000000LL;  // always 15 digits
        session << "INSERT INTO meta (name, value) VALUES ('epoch', ?) ON CONFLICT (name) DO NOTHING", use(drawn), now;
        values.clear();
        session << "SELECT value FROM meta WHERE name = 'epoch'", into(values), now;
    }
    char text[24];
    std::snprintf(text, sizeof text, "%llx", static_cast<unsigned long long>(values.front()));
    return text;
}

}  // namespace

Database::Database(const std::string& url)
    : url_(url),
      session_(connect(url)),
      statements_(std::make_unique<StatementCache>(Poco::Data::SQLite::Utility::dbHandle(session_))) {
    try {
        if (url.rfind("sqlite:", 0) == 0) {
            // WAL with NORMAL sync: a committed transaction survives a crash of the process
            // (power loss may cost the last ones), at a fraction of FULL's fsyncs.
            // Only takes effect on a new, empty file: released pages can then go back
            // (releaseFreePages) instead of staying in the file for good.
            session_ << "PRAGMA auto_vacuum=INCREMENTAL", now;
            session_ << "PRAGMA journal_mode=WAL", now;
            session_ << "PRAGMA synchronous=NORMAL", now;
            session_ << "PRAGMA wal_autocheckpoint=10000", now;
            session_ << "PRAGMA journal_size_limit=67108864", now;
        }
        migrate();
        if (url.rfind("sqlite:", 0) == 0) enableIncrementalVacuum();
        epoch_ = readOrMakeEpoch(session_);
    } catch (const Poco::Exception& e) {
        throw DatabaseError("database '" + url + "': " + e.displayText());
    }
}

Database::~Database() = default;

int Database::schemaVersion() {
    std::vector<Poco::Int64> values;
    session_ << "SELECT value FROM meta WHERE name = 'schema_version'", into(values), now;
    return values.empty() ? 0 : static_cast<int>(values.front());
}

void Database::migrate() {
    session_ << "CREATE TABLE IF NOT EXISTS meta (name VARCHAR(64) PRIMARY KEY, value BIGINT NOT NULL)", now;
    const int found = schemaVersion();
    if (found > kSchemaVersion)
        throw DatabaseError("database '" + url_ + "' has schema version " + std::to_string(found) +
                            ", newer than this build's " + std::to_string(kSchemaVersion));
    if (found == kSchemaVersion) return;
    Transaction transaction(*this);
    if (found < 1)
        for (const char* statement : schema::kVersion1) session_ << statement, now;
    if (found < 2)
        for (const char* statement : schema::kVersion2) session_ << statement, now;
    if (found < 3)
        for (const char* statement : schema::kVersion3) session_ << statement, now;
    if (found < 4)
        for (const char* statement : schema::kVersion4) session_ << statement, now;
    if (found < 5 && url_.rfind("sqlite:", 0) == 0)
        for (const char* statement : schema::kVersion5Sqlite) session_ << statement, now;
    Poco::Int64 version = kSchemaVersion;
    session_ << "INSERT INTO meta (name, value) VALUES ('schema_version', ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        use(version), now;
    transaction.commit();
}

// A file made before auto_vacuum was set never gives pages back: convert it once. VACUUM
// rewrites the whole file (outside any transaction), so this costs time once, at start.
void Database::enableIncrementalVacuum() {
    constexpr Poco::Int64 kIncremental = 2;
    Poco::Int64 mode = 0;
    session_ << "PRAGMA auto_vacuum", into(mode), now;
    if (mode == kIncremental) return;
    session_ << "PRAGMA auto_vacuum=INCREMENTAL", now;
    session_ << "VACUUM", now;
}

void Database::releaseFreePages() {
    if (url_.rfind("sqlite:", 0) == 0) session_ << "PRAGMA incremental_vacuum", now;
}

std::size_t Database::keepNewest(const std::string& table, std::size_t keep) {
    Poco::Int64 kept = static_cast<Poco::Int64>(keep);
    Poco::Data::Statement remove(session_);
    remove << "DELETE FROM " << table << " WHERE seq NOT IN (SELECT seq FROM " << table
           << " ORDER BY seq DESC LIMIT ?)", use(kept);
    return remove.execute();
}

bool Database::inTransaction() { return sqlite3_get_autocommit(Poco::Data::SQLite::Utility::dbHandle(session_)) == 0; }

std::int64_t Database::nextCounter(const std::string& name) {
    // Every message takes a number or two, so this is one plain UPDATE from the value known here.
    // (UPDATE ... RETURNING builds a temporary table each time, which cost more than the rest of
    // the statement.) The value known is checked by the UPDATE itself: if anything else moved the
    // counter, it is read again. A rollback forgets the values known (forgetCounters).
    std::string key = "counter:";
    key += name;
    for (;;) {
        auto known = counters_.find(name);
        if (known == counters_.end()) {
            std::optional<std::int64_t> stored;
            {
                Query read(*this, "SELECT value FROM meta WHERE name = ?");
                if (read.bind(key).next()) stored = read.integer(0);
            }
            if (!stored) {
                // A counter's first use makes its row.
                Query make(*this, "INSERT INTO meta (name, value) VALUES (?, 1) ON CONFLICT (name) DO NOTHING");
                if (make.bind(key).run() == 1) {
                    counters_[name] = 1;
                    return 1;
                }
                continue;  // made meanwhile: read it
            }
            known = counters_.emplace(name, *stored).first;
        }
        const std::int64_t value = known->second + 1;
        Query raise(*this, "UPDATE meta SET value = ? WHERE name = ? AND value = ?");
        if (raise.bind(value).bind(key).bind(known->second).run() == 1) {
            known->second = value;
            return value;
        }
        counters_.erase(known);  // moved meanwhile: read it again
    }
}

void Database::forgetCounters() { counters_.clear(); }

// BEGIN, COMMIT and ROLLBACK as kept statements (Query): every message runs one transaction, and
// Poco's session would compile each of them afresh every time.
Transaction::Transaction(Database& database) : database_(database) { Query(database_, "BEGIN").run(); }

Transaction::~Transaction() {
    if (done_) return;
    database_.forgetCounters();  // what they counted is undone
    try {
        Query(database_, "ROLLBACK").run();
    } catch (...) {
        // Nothing more can be done in a destructor (SQLite may have rolled back already, after
        // an error); the connection stays usable or not.
    }
}

void Transaction::commit() {
    Query(database_, "COMMIT").run();
    done_ = true;
}

}  // namespace relaysync::core
