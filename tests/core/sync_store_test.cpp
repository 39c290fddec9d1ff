// Synchronize bookkeeping that must survive a restart: open fan-outs and finished reports.
#include <cppunit/extensions/HelperMacros.h>

#include "core_test_support.h"
#include "persistence/sync_store.h"

namespace relaysync::core::coretest {

namespace {
SyncReport report(const std::string& sync_id, std::int64_t checked) {
    SyncReport result;
    result.sync_id = sync_id;
    result.share_id = "s1";
    result.checked = checked;
    result.unchanged = checked;
    return result;
}
}  // namespace

class SyncStoreTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SyncStoreTest);
    CPPUNIT_TEST(unknownSessionAndResultAreAbsent);
    CPPUNIT_TEST(sessionRoundTripsWithEveryField);
    CPPUNIT_TEST(putSessionOverwritesAndRemoveForgets);
    CPPUNIT_TEST(sessionSurvivesReopen);
    CPPUNIT_TEST(resultsAreKeptOldestFirst);
    CPPUNIT_TEST(resultForTheSameSyncIsReplaced);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        dir_ = std::make_unique<TempDir>();
        database_ = std::make_unique<Database>(dir_->url());
        syncs_ = std::make_unique<SyncStore>(*database_);
    }
    void tearDown() override {
        syncs_.reset();
        database_.reset();
        dir_.reset();
    }

    void unknownSessionAndResultAreAbsent() {
        CPPUNIT_ASSERT(!syncs_->session("nope").has_value());
        CPPUNIT_ASSERT(!syncs_->result("nope").has_value());
        CPPUNIT_ASSERT(syncs_->results().empty());
    }

    void sessionRoundTripsWithEveryField() {
        SyncSession session;
        session.sync_id = kClient11 + "/sync-1";
        session.reply_to = kClient11;
        session.waiting_for = {kRelay2, kClient12};
        session.report = report(session.sync_id, 3);
        session.report.problems = {"client12: deletion limit"};
        session.report.unreachable_nodes = {"relay-server4@net"};
        session.report.unknown_resources = {"folderQ"};
        syncs_->putSession(session);

        const auto back = syncs_->session(session.sync_id);
        CPPUNIT_ASSERT(back.has_value());
        CPPUNIT_ASSERT_EQUAL(session.sync_id, back->sync_id);
        CPPUNIT_ASSERT_EQUAL(kClient11, back->reply_to);
        CPPUNIT_ASSERT(session.waiting_for == back->waiting_for);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, back->report.checked);
        CPPUNIT_ASSERT(session.report.problems == back->report.problems);
        CPPUNIT_ASSERT(session.report.unreachable_nodes == back->report.unreachable_nodes);
        CPPUNIT_ASSERT(session.report.unknown_resources == back->report.unknown_resources);
    }

    void putSessionOverwritesAndRemoveForgets() {
        SyncSession session;
        session.sync_id = "s-1";
        session.waiting_for = {kRelay2, kClient12};
        syncs_->putSession(session);
        session.waiting_for.erase(kRelay2);
        session.report.checked = 2;
        syncs_->putSession(session);
        auto back = syncs_->session("s-1");
        CPPUNIT_ASSERT((back->waiting_for == std::set<std::string>{kClient12}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, back->report.checked);
        CPPUNIT_ASSERT_EQUAL(std::string(), back->reply_to);
        syncs_->removeSession("s-1");
        CPPUNIT_ASSERT(!syncs_->session("s-1").has_value());
    }

    void sessionSurvivesReopen() {
        SyncSession session;
        session.sync_id = "s-2";
        session.reply_to = kRelay2;
        session.waiting_for = {kClient12};
        syncs_->putSession(session);
        syncs_.reset();
        database_ = std::make_unique<Database>(dir_->url());
        syncs_ = std::make_unique<SyncStore>(*database_);
        const auto back = syncs_->session("s-2");
        CPPUNIT_ASSERT(back.has_value());
        CPPUNIT_ASSERT_EQUAL(kRelay2, back->reply_to);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, back->waiting_for.count(kClient12));
    }

    void resultsAreKeptOldestFirst() {
        syncs_->putResult(report("z-first", 1));
        syncs_->putResult(report("a-second", 2));
        syncs_->putResult(report("m-third", 3));
        const auto all = syncs_->results();
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, all.size());
        CPPUNIT_ASSERT_EQUAL(std::string("z-first"), all[0].sync_id);
        CPPUNIT_ASSERT_EQUAL(std::string("a-second"), all[1].sync_id);
        CPPUNIT_ASSERT_EQUAL(std::string("m-third"), all[2].sync_id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, syncs_->result("a-second")->checked);
    }

    void resultForTheSameSyncIsReplaced() {
        syncs_->putResult(report("s-3", 1));
        syncs_->putResult(report("s-3", 5));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, syncs_->results().size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{5}, syncs_->result("s-3")->checked);
    }

private:
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<SyncStore> syncs_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SyncStoreTest);

}  // namespace relaysync::core::coretest
