// Opening a node's database: schema, reopening, counters, transactions, and errors that name
// the URL and say what is wrong.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core_test_support.h"
#include "persistence/database.h"
#include "persistence/message_store.h"
#include "persistence/share_repository.h"
#include "persistence/schema.h"
#include "persistence/group_repository.h"

using namespace Poco::Data::Keywords;

namespace relaysync::core::coretest {

namespace {
// Runs `body` in a forked child; its result as the child's exit code, or nullopt when it did not
// finish within `limit` (the child is then killed).
std::optional<int> inChildProcess(const std::function<int()>& body, std::chrono::milliseconds limit) {
    const pid_t child = fork();
    if (child < 0) CPPUNIT_FAIL("fork failed");
    if (child == 0) {
        int code = 4;
        try {
            code = body();
        } catch (...) {
        }
        _exit(code);
    }
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        if (waitpid(child, &status, WNOHANG) == child) return WIFEXITED(status) ? WEXITSTATUS(status) : 5;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    return std::nullopt;
}
}  // namespace

class DatabaseTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DatabaseTest);
    CPPUNIT_TEST(newDatabaseHasTheCurrentSchemaVersion);
    CPPUNIT_TEST(reopeningKeepsData);
    CPPUNIT_TEST(countersStartAtOneAndAreIndependent);
    CPPUNIT_TEST(countersStayMonotonicAcrossReopen);
    CPPUNIT_TEST(aRolledBackCountIsTakenAgain);
    CPPUNIT_TEST(aCounterMovedByAnotherConnectionIsReadAgain);
    CPPUNIT_TEST(newerSchemaVersionIsRefused);
    CPPUNIT_TEST(version1DatabaseIsMigrated);
    CPPUNIT_TEST(version4OutboxAndPeerSequencesKeepTheirRows);
    CPPUNIT_TEST(badUrlsAreRefusedNamingTheUrl);
    CPPUNIT_TEST(missingFolderIsRefusedPromptlyNamingTheUrl);
    CPPUNIT_TEST(fileThatIsNotADatabaseIsRefusedNamingTheUrl);
    CPPUNIT_TEST(postgresqlSaysItIsNotBuiltWithoutEchoingSecrets);
    CPPUNIT_TEST(freedPagesGoBackToTheFileSystem);
    CPPUNIT_TEST(anOldFileIsConvertedToIncrementalVacuum);
    CPPUNIT_TEST(transactionCommitKeepsWrites);
    CPPUNIT_TEST(transactionDestroyedWithoutCommitRollsBack);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { dir_ = std::make_unique<TempDir>(); }
    void tearDown() override { dir_.reset(); }

    void newDatabaseHasTheCurrentSchemaVersion() {
        Database database(dir_->url());
        CPPUNIT_ASSERT_EQUAL(kSchemaVersion, database.schemaVersion());
        CPPUNIT_ASSERT_EQUAL(5, database.schemaVersion());
        CPPUNIT_ASSERT_EQUAL(dir_->url(), database.url());
        CPPUNIT_ASSERT(std::filesystem::exists(dir_->path() / "node.db"));
    }

    void reopeningKeepsData() {
        {
            Database database(dir_->url());
            GroupRepository groups(database);
            groups.addGroup("0001@relay-server1");
            groups.putRelay("0001@relay-server1", {kRelay1, "Branch A"});
        }
        Database database(dir_->url());
        CPPUNIT_ASSERT_EQUAL(kSchemaVersion, database.schemaVersion());
        GroupRepository groups(database);
        const auto group = groups.find("0001@relay-server1");
        CPPUNIT_ASSERT(group.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("Branch A"), group->relays.at(0).display_name);
    }

    void countersStartAtOneAndAreIndependent() {
        Database database(dir_->url());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, database.nextCounter("message"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, database.nextCounter("message"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, database.nextCounter("group"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, database.nextCounter("message"));
    }

    void countersStayMonotonicAcrossReopen() {
        std::int64_t last = 0;
        {
            Database database(dir_->url());
            for (int i = 0; i < 5; ++i) last = database.nextCounter("outbox");
        }
        Database database(dir_->url());
        const auto next = database.nextCounter("outbox");
        CPPUNIT_ASSERT_EQUAL(last + 1, next);
    }

    // The database keeps the value a counter last gave, whatever this connection remembers.
    void aRolledBackCountIsTakenAgain() {
        Database database(dir_->url());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, database.nextCounter("message"));
        {
            Transaction undone(database);
            CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, database.nextCounter("message"));
            CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, database.nextCounter("fresh"));
        }
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, database.nextCounter("message"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, database.nextCounter("fresh"));
        {
            Transaction kept(database);
            CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, database.nextCounter("message"));
            kept.commit();
        }
        CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, database.nextCounter("message"));
    }

    void aCounterMovedByAnotherConnectionIsReadAgain() {
        Database first(dir_->url());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, first.nextCounter("outbox"));
        {
            Database second(dir_->url());
            CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, second.nextCounter("outbox"));
            CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, second.nextCounter("outbox"));
        }
        CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, first.nextCounter("outbox"));
    }

    void newerSchemaVersionIsRefused() {
        {
            Database database(dir_->url());
            database.session() << "UPDATE meta SET value = 99 WHERE name = 'schema_version'", now;
        }
        const auto error = thrownMessage<DatabaseError>([&] { Database again(dir_->url()); });
        RS_ASSERT_CONTAINS(error, dir_->url());
        RS_ASSERT_CONTAINS(error, "schema version 99");
        RS_ASSERT_CONTAINS(error, "newer");
    }

    // A database written by a version-1 build keeps its entries and deferred messages.
    void version1DatabaseIsMigrated() {
        {
            Poco::Data::Session session("SQLite", (dir_->path() / "node.db").string());
            session << "CREATE TABLE meta (name VARCHAR(64) PRIMARY KEY, value BIGINT NOT NULL)", now;
            for (const char* statement : schema::kVersion1) session << statement, now;
            session << "INSERT INTO meta (name, value) VALUES ('schema_version', 1)", now;
            session << "INSERT INTO resource_entries VALUES ('s1', 'folderA', 'client11@relay-server1.net', 'c:/a',"
                       " 'ok', 'folder', 5, 6, '', 3, 0)",
                now;
            session << "INSERT INTO deferred_messages VALUES (1, 'relay-server1@net', 'payload', 'why', 0, 9)", now;
        }
        Database database(dir_->url());
        CPPUNIT_ASSERT_EQUAL(kSchemaVersion, database.schemaVersion());
        ShareRepository shares(database);
        const auto entry = shares.entry("s1", "folderA");
        CPPUNIT_ASSERT(entry.has_value());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, entry->version);
        // Another owner's record of the same name is now a record of its own.
        CPPUNIT_ASSERT(shares.putEntryIfNewer(makeEntry("s1", "folderA", kClient21, "c:/b", 1)));
        MessageStore messages(database);
        const auto deferred = messages.deferred();
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, deferred.size());
        CPPUNIT_ASSERT_EQUAL(kRelay1, deferred[0].sender.account);
        CPPUNIT_ASSERT(deferred[0].sender.role == sdk::PeerRole::unknown);
        // Deferred before dependencies were recorded: waits for nothing, so it is retried once.
        CPPUNIT_ASSERT_EQUAL(std::string(), deferred[0].waits_for);
        CPPUNIT_ASSERT_EQUAL(std::size_t{7}, messages.deferredLoad().bytes);
    }

    // Version 5 rebuilds the two tables every hop writes, keyed by their own key: nothing waiting
    // to be sent, and no sender's high-water mark, may be lost on the way.
    void version4OutboxAndPeerSequencesKeepTheirRows() {
        {
            Poco::Data::Session session("SQLite", (dir_->path() / "node.db").string());
            session << "CREATE TABLE meta (name VARCHAR(64) PRIMARY KEY, value BIGINT NOT NULL)", now;
            for (const char* statement : schema::kVersion1) session << statement, now;
            for (const char* statement : schema::kVersion2) session << statement, now;
            for (const char* statement : schema::kVersion3) session << statement, now;
            for (const char* statement : schema::kVersion4) session << statement, now;
            session << "INSERT INTO meta (name, value) VALUES ('schema_version', 4), ('counter:outbox', 12)", now;
            session << "INSERT INTO outbox VALUES (11, 'relay-server2@net', 'first'), (12, 'client12@relay-server1', 'second')",
                now;
            session << "INSERT INTO peer_sequences VALUES ('relay-server2@net', 'e1', 40, 7)", now;
        }
        Database database(dir_->url());
        CPPUNIT_ASSERT_EQUAL(kSchemaVersion, database.schemaVersion());
        MessageStore messages(database);
        const auto outbox = messages.outbox();
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, outbox.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{11}, outbox[0].seq);
        CPPUNIT_ASSERT_EQUAL(std::string("first"), outbox[0].payload);
        CPPUNIT_ASSERT_EQUAL(std::string("client12@relay-server1"), outbox[1].destination);
        messages.enqueue("relay-server2@net", "third");
        CPPUNIT_ASSERT_EQUAL(std::int64_t{13}, messages.outbox().back().seq);
        Poco::Int64 high_water = 0;
        database.session() << "SELECT high_water FROM peer_sequences WHERE sender = 'relay-server2@net'",
            into(high_water), now;
        CPPUNIT_ASSERT_EQUAL(Poco::Int64{40}, high_water);
        // Each is one B-tree now: no separate index of the key.
        std::vector<std::string> indexes;
        database.session() << "SELECT name FROM sqlite_master WHERE type = 'index'"
                              " AND tbl_name IN ('outbox', 'peer_sequences') ORDER BY name",
            into(indexes), now;
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, indexes.size());
        CPPUNIT_ASSERT_EQUAL(std::string("outbox_by_destination"), indexes[0]);
    }

    void badUrlsAreRefusedNamingTheUrl() {
        for (const std::string url : {"mysql://db.example/relay", "node.db", "sqlite:", ":memory"}) {
            const auto error = thrownMessage<DatabaseError>([&] { Database database(url); });
            RS_ASSERT_CONTAINS(error, "'" + url + "'");
        }
        RS_ASSERT_CONTAINS(thrownMessage<DatabaseError>([] { Database database("mysql://db"); }),
                           "unknown scheme 'mysql'");
    }

    // A mistyped path must fail at once. Opened in a child process, so that a wait inside the
    // SQLite connector cannot hold up the suite.
    void missingFolderIsRefusedPromptlyNamingTheUrl() {
        const auto url = "sqlite:" + (dir_->path() / "no" / "such" / "folder" / "node.db").string();
        const auto started = std::chrono::steady_clock::now();
        const auto outcome = inChildProcess(
            [&]() -> int {
                try {
                    Database database(url);
                } catch (const DatabaseError& e) {
                    return contains(e.what(), url) ? 0 : 1;
                } catch (...) {
                    return 3;
                }
                return 2;
            },
            std::chrono::seconds(5));
        const auto seconds =
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
        CPPUNIT_ASSERT_MESSAGE("opening " + url + " did not fail within 5 s (still waiting after " +
                                   std::to_string(seconds) + " s)",
                               outcome.has_value());
        CPPUNIT_ASSERT_EQUAL_MESSAGE("0: DatabaseError naming the URL, 1: not naming it, 2: no error, 3: other", 0,
                                     *outcome);
    }

    void fileThatIsNotADatabaseIsRefusedNamingTheUrl() {
        const auto file = dir_->path() / "garbage.db";
        std::ofstream(file) << "this is not an SQLite database, just some text that is long enough to matter\n"
                            << std::string(4096, 'x');
        const auto url = "sqlite:" + file.string();
        RS_ASSERT_CONTAINS(thrownMessage<DatabaseError>([&] { Database database(url); }), url);
    }

    void postgresqlSaysItIsNotBuiltWithoutEchoingSecrets() {
        const auto error = thrownMessage<DatabaseError>(
            [] { Database database("postgresql:host=db.example user=relay password=hunter2"); });
        RS_ASSERT_CONTAINS(error, "PostgreSQL");
        RS_ASSERT_CONTAINS(error, "not built");
        RS_ASSERT_CONTAINS(error, "postgresql:");
        CPPUNIT_ASSERT_MESSAGE(error, !contains(error, "hunter2"));
    }

    // What a long outage's outbox took goes back to the file system once it is sent.
    void freedPagesGoBackToTheFileSystem() {
        Database database(dir_->url());
        MessageStore messages(database);
        for (int n = 0; n < 20; ++n) messages.enqueue("relay-server2@net", std::string(100'000, 'x'));
        for (const auto& item : messages.outbox()) messages.removeFromOutbox(item.seq);
        const auto freePages = [&] {
            Poco::Int64 pages = 0;
            database.session() << "PRAGMA freelist_count", into(pages), now;
            return pages;
        };
        CPPUNIT_ASSERT(freePages() > 400);
        database.releaseFreePages();
        CPPUNIT_ASSERT_EQUAL(Poco::Int64{0}, freePages());
    }

    // A file made before auto_vacuum was set is converted once, and then gives pages back too.
    void anOldFileIsConvertedToIncrementalVacuum() {
        {
            Poco::Data::Session session("SQLite", (dir_->path() / "node.db").string());
            session << "PRAGMA auto_vacuum=NONE", now;
            session << "CREATE TABLE filler (body TEXT)", now;
            std::string body(100'000, 'x');
            for (int n = 0; n < 20; ++n) session << "INSERT INTO filler VALUES (?)", use(body), now;
            session << "DELETE FROM filler", now;
        }
        Database database(dir_->url());
        Poco::Int64 mode = 0, free_pages = -1;
        database.session() << "PRAGMA auto_vacuum", into(mode), now;
        CPPUNIT_ASSERT_EQUAL(Poco::Int64{2}, mode);  // INCREMENTAL
        database.session() << "PRAGMA freelist_count", into(free_pages), now;
        CPPUNIT_ASSERT_EQUAL(Poco::Int64{0}, free_pages);  // the VACUUM gave the filler back
    }

    void transactionCommitKeepsWrites() {
        {
            Database database(dir_->url());
            Transaction transaction(database);
            GroupRepository(database).addGroup("g-committed");
            transaction.commit();
        }
        Database database(dir_->url());
        CPPUNIT_ASSERT(GroupRepository(database).exists("g-committed"));
    }

    void transactionDestroyedWithoutCommitRollsBack() {
        Database database(dir_->url());
        {
            Transaction transaction(database);
            GroupRepository(database).addGroup("g-abandoned");
            database.nextCounter("message");
        }
        CPPUNIT_ASSERT(!GroupRepository(database).exists("g-abandoned"));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, database.nextCounter("message"));
        // The session is usable for the next transaction.
        Transaction again(database);
        GroupRepository(database).addGroup("g-next");
        again.commit();
        CPPUNIT_ASSERT(GroupRepository(database).exists("g-next"));
    }

private:
    std::unique_ptr<TempDir> dir_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(DatabaseTest);

}  // namespace relaysync::core::coretest
