// One synchronize's bookkeeping at one node: it finishes when, and only when, everybody it
// asked has answered, once, even across a restart.
#include <cppunit/extensions/HelperMacros.h>

#include "core_test_support.h"
#include "engine/sync_fanout.h"

namespace relaysync::core::coretest {

namespace {
struct Sent {
    std::string to;
    SyncReport report;
};

SyncReport answer(const std::string& sync_id, std::int64_t checked, std::int64_t changed = 0) {
    SyncReport report;
    report.sync_id = sync_id;
    report.share_id = "s1";
    report.checked = checked;
    report.unchanged = checked - changed;
    report.changed = changed;
    return report;
}
}  // namespace

class SyncFanoutTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SyncFanoutTest);
    CPPUNIT_TEST(finishesOnlyWhenEveryoneHasAnswered);
    CPPUNIT_TEST(reportSumsWhatWasFoundSoFarAndEveryAnswer);
    CPPUNIT_TEST(duplicateAnswerIsIgnored);
    CPPUNIT_TEST(lateAnswerAfterFinishingIsIgnored);
    CPPUNIT_TEST(answerFromSomeoneNotAskedIsIgnored);
    CPPUNIT_TEST(answerForAnUnknownSyncIsIgnored);
    CPPUNIT_TEST(nobodyToWaitForFinishesAtOnce);
    CPPUNIT_TEST(ownSyncStoresTheResultAndForwardedOneDoesNot);
    CPPUNIT_TEST(survivesReopenOfTheDatabase);
    CPPUNIT_TEST(concurrentSyncsAreKeptApart);
    CPPUNIT_TEST(silentNodesAreReportedWhenTheSyncExpires);
    CPPUNIT_TEST(progressNamesTheNodesBelowARelayThatHasNotAnswered);
    CPPUNIT_TEST(progressIsToldOnlyForSlowSyncsAndOnlyWhenItChanges);
    CPPUNIT_TEST(progressFromANodeNotWaitedForIsIgnored);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        dir_ = std::make_unique<TempDir>();
        open();
    }
    void tearDown() override {
        fanout_.reset();
        syncs_.reset();
        database_.reset();
        dir_.reset();
    }

    void silentNodesAreReportedWhenTheSyncExpires() {
        fanout_->open("x", kClient11, {kRelay2, kClient12}, answer("x", 0), 1000, 1000 + 60'000);
        fanout_->onReport(kRelay2, answer("x", 2));
        fanout_->expire(1000 + 59'999);  // its deadline has not come yet
        CPPUNIT_ASSERT(sent_.empty());
        fanout_->expire(1000 + 60'000);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent_.size());
        CPPUNIT_ASSERT_EQUAL(kClient11, sent_[0].to);
        CPPUNIT_ASSERT((sent_[0].report.unreachable_nodes == std::vector<std::string>{kClient12}));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent_[0].report.problems.size());
        fanout_->onReport(kClient12, answer("x", 1));  // too late: ignored
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent_.size());
    }

    // R1 waits for R2 and its own client12; R2 says it still waits for client21 and client22.
    void progressNamesTheNodesBelowARelayThatHasNotAnswered() {
        fanout_->open("x", kClient11, {kRelay2, kClient12}, answer("x", 0), 1000, 1000 + 60'000);
        CPPUNIT_ASSERT((syncs_->session("x")->stillChecking().nodes == std::vector<std::string>{kClient12, kRelay2}));
        fanout_->onProgress(kRelay2, "x", {{kClient21, kClient22}, 4});
        const auto still = syncs_->session("x")->stillChecking();
        CPPUNIT_ASSERT((still.nodes == std::vector<std::string>{kClient12, kClient21, kClient22}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, still.more);
        // Once R2 answers, what it said no longer counts.
        fanout_->onReport(kRelay2, answer("x", 2));
        CPPUNIT_ASSERT((syncs_->session("x")->stillChecking().nodes == std::vector<std::string>{kClient12}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, syncs_->session("x")->stillChecking().more);
    }

    void progressIsToldOnlyForSlowSyncsAndOnlyWhenItChanges() {
        fanout_->open("x", kClient11, {kRelay2, kClient12}, answer("x", 0), 1000, 1000 + 60'000);
        fanout_->open("own", "", {kRelay2}, answer("own", 0), 1000, 1000 + 60'000);
        CPPUNIT_ASSERT(fanout_->progressDue(1000 + SyncFanout::kProgressAfterMs - 1).empty());
        auto due = fanout_->progressDue(1000 + SyncFanout::kProgressAfterMs);
        // Only the sync another node asked for: nobody above waits on "own".
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, due.size());
        CPPUNIT_ASSERT_EQUAL(kClient11, due[0].reply_to);
        CPPUNIT_ASSERT_EQUAL(std::string("x"), due[0].sync_id);
        CPPUNIT_ASSERT((due[0].still.nodes == std::vector<std::string>{kClient12, kRelay2}));
        CPPUNIT_ASSERT(fanout_->progressDue(5000).empty());  // nothing changed
        fanout_->onProgress(kRelay2, "x", {{kClient21}, 0});
        due = fanout_->progressDue(6000);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, due.size());
        CPPUNIT_ASSERT((due[0].still.nodes == std::vector<std::string>{kClient12, kClient21}));
        // Told survives a restart: the same is not told again.
        open();
        CPPUNIT_ASSERT(fanout_->progressDue(7000).empty());
    }

    void progressFromANodeNotWaitedForIsIgnored() {
        fanout_->open("x", kClient11, {kRelay2}, answer("x", 0), 1000, 1000 + 60'000);
        fanout_->onProgress(kRelay3, "x", {{kClient31}, 0});
        fanout_->onProgress(kRelay2, "other", {{kClient21}, 0});
        CPPUNIT_ASSERT(syncs_->session("x")->below.empty());
        CPPUNIT_ASSERT((syncs_->session("x")->stillChecking().nodes == std::vector<std::string>{kRelay2}));
    }

    void finishesOnlyWhenEveryoneHasAnswered() {
        fanout_->open("x", kClient11, {kRelay2, kClient12}, answer("x", 0), 1000, 1000 + 60'000);
        CPPUNIT_ASSERT(sent_.empty());
        fanout_->onReport(kRelay2, answer("x", 2));
        CPPUNIT_ASSERT(sent_.empty());
        CPPUNIT_ASSERT((syncs_->session("x")->waiting_for == std::set<std::string>{kClient12}));
        fanout_->onReport(kClient12, answer("x", 3));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent_.size());
        CPPUNIT_ASSERT_EQUAL(kClient11, sent_[0].to);
        CPPUNIT_ASSERT_EQUAL(std::string("x"), sent_[0].report.sync_id);
        CPPUNIT_ASSERT(!syncs_->session("x").has_value());
    }

    void reportSumsWhatWasFoundSoFarAndEveryAnswer() {
        auto so_far = answer("", 1, 1);
        so_far.unknown_resources = {"folderQ"};
        fanout_->open("x", kClient11, {kRelay2, kClient12}, so_far, 1000, 1000 + 60'000);
        auto from_relay = answer("x", 4, 1);
        from_relay.unreachable_nodes = {"client22@relay-server2.net"};
        fanout_->onReport(kRelay2, from_relay);
        fanout_->onReport(kClient12, answer("x", 2));
        const auto& report = sent_.at(0).report;
        CPPUNIT_ASSERT_EQUAL(std::string("x"), report.sync_id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{7}, report.checked);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, report.changed);
        CPPUNIT_ASSERT(report.unknown_resources == std::vector<std::string>{"folderQ"});
        CPPUNIT_ASSERT(report.unreachable_nodes == std::vector<std::string>{"client22@relay-server2.net"});
    }

    void duplicateAnswerIsIgnored() {
        fanout_->open("x", kClient11, {kRelay2, kClient12}, answer("x", 0), 1000, 1000 + 60'000);
        fanout_->onReport(kRelay2, answer("x", 2));
        fanout_->onReport(kRelay2, answer("x", 2));
        CPPUNIT_ASSERT(sent_.empty());
        fanout_->onReport(kClient12, answer("x", 3));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent_.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{5}, sent_[0].report.checked);
    }

    void lateAnswerAfterFinishingIsIgnored() {
        fanout_->open("x", kClient11, {kRelay2}, answer("x", 0), 1000, 1000 + 60'000);
        fanout_->onReport(kRelay2, answer("x", 2));
        fanout_->onReport(kRelay2, answer("x", 2));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent_.size());
        CPPUNIT_ASSERT(!syncs_->session("x").has_value());
    }

    void answerFromSomeoneNotAskedIsIgnored() {
        fanout_->open("x", kClient11, {kRelay2}, answer("x", 0), 1000, 1000 + 60'000);
        fanout_->onReport("relay-server3@net", answer("x", 9));
        CPPUNIT_ASSERT(sent_.empty());
        fanout_->onReport(kRelay2, answer("x", 1));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, sent_.at(0).report.checked);
    }

    void answerForAnUnknownSyncIsIgnored() {
        fanout_->onReport(kRelay2, answer("never-opened", 1));
        CPPUNIT_ASSERT(sent_.empty());
        CPPUNIT_ASSERT(syncs_->results().empty());
    }

    void nobodyToWaitForFinishesAtOnce() {
        auto so_far = answer("", 3);
        so_far.unreachable_nodes = {kRelay2};
        fanout_->open("x", kClient11, {}, so_far, 1000, 1000 + 60'000);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent_.size());
        CPPUNIT_ASSERT_EQUAL(kClient11, sent_[0].to);
        CPPUNIT_ASSERT_EQUAL(std::string("x"), sent_[0].report.sync_id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, sent_[0].report.checked);
        CPPUNIT_ASSERT(!syncs_->session("x").has_value());
    }

    void ownSyncStoresTheResultAndForwardedOneDoesNot() {
        fanout_->open("mine", "", {kRelay2}, answer("mine", 1), 1000, 1000 + 60'000);
        CPPUNIT_ASSERT(!syncs_->result("mine").has_value());
        fanout_->onReport(kRelay2, answer("mine", 2));
        const auto result = syncs_->result("mine");
        CPPUNIT_ASSERT(result.has_value());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, result->checked);
        CPPUNIT_ASSERT_EQUAL(std::string(), sent_.at(0).to);

        fanout_->open("theirs", kClient11, {}, answer("theirs", 1), 1000, 1000 + 60'000);
        CPPUNIT_ASSERT(!syncs_->result("theirs").has_value());
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, syncs_->results().size());
    }

    void survivesReopenOfTheDatabase() {
        fanout_->open("x", kClient11, {kRelay2, kClient12}, answer("x", 1), 1000, 1000 + 60'000);
        fanout_->onReport(kRelay2, answer("x", 2));
        open();  // a restart: nothing but the database is kept
        CPPUNIT_ASSERT(sent_.empty());
        fanout_->onReport(kRelay2, answer("x", 2));  // a duplicate from before the restart
        CPPUNIT_ASSERT(sent_.empty());
        fanout_->onReport(kClient12, answer("x", 4));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent_.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{7}, sent_[0].report.checked);
        CPPUNIT_ASSERT_EQUAL(kClient11, sent_[0].to);
    }

    void concurrentSyncsAreKeptApart() {
        fanout_->open("x", kClient11, {kRelay2}, answer("x", 0), 1000, 1000 + 60'000);
        fanout_->open("y", kClient12, {kRelay2}, answer("y", 0), 1000, 1000 + 60'000);
        fanout_->onReport(kRelay2, answer("y", 5));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent_.size());
        CPPUNIT_ASSERT_EQUAL(kClient12, sent_[0].to);
        CPPUNIT_ASSERT(syncs_->session("x").has_value());
        fanout_->onReport(kRelay2, answer("x", 1));
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, sent_.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, sent_[1].report.checked);
    }

private:
    void open() {
        fanout_.reset();
        syncs_.reset();
        database_.reset();
        sent_.clear();
        database_ = std::make_unique<Database>(dir_->url());
        syncs_ = std::make_unique<SyncStore>(*database_);
        fanout_ = std::make_unique<SyncFanout>(
            *syncs_, [this](const SyncSession& finished) { sent_.push_back({finished.reply_to, finished.report}); });
    }

    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<SyncStore> syncs_;
    std::unique_ptr<SyncFanout> fanout_;
    std::vector<Sent> sent_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SyncFanoutTest);

}  // namespace relaysync::core::coretest
