// What a node keeps of its history: tombstones for the retention period, a bounded number of
// finished sync reports and of dead letters. Everything else stays.
#include <cppunit/extensions/HelperMacros.h>

#include "engine_test_support.h"

namespace relaysync::core::coretest {

class PruneTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PruneTest);
    CPPUNIT_TEST(oldTombstonesGoLiveEntriesAndRecentTombstonesStay);
    CPPUNIT_TEST(deletedSharesGoAfterTheRetention);
    CPPUNIT_TEST(onlyTheNewestSyncReportsAndDeadLettersAreKept);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        quietLogs();
        node_ = std::make_unique<RelayOnItsOwn>();
        relay_ = &node_->engine;
    }
    void tearDown() override { node_.reset(); }

    void oldTombstonesGoLiveEntriesAndRecentTombstonesStay() {
        auto& shares = relay_->shares();
        shares.putEntryIfNewer(makeEntry(kS1, "live", kClient11, "c:/a", 1));
        auto old = makeEntry(kS1, "old", kClient11, "c:/b", 2);
        old.removed = true;
        shares.putEntryIfNewer(old);
        const auto stored_at = EngineBase::systemClockMs();
        relay_->setRetention({10'000, 200, 1000});

        relay_->setClock([&] { return stored_at + 5'000; });  // younger than the retention
        relay_->prune();
        CPPUNIT_ASSERT(shares.entryOf(kS1, "old", kClient11).has_value());

        relay_->setClock([&] { return stored_at + 60'000; });
        relay_->prune();
        CPPUNIT_ASSERT(!shares.entryOf(kS1, "old", kClient11).has_value());
        CPPUNIT_ASSERT(shares.entryOf(kS1, "live", kClient11).has_value());
    }

    void deletedSharesGoAfterTheRetention() {
        auto& shares = relay_->shares();
        Share gone{"20071001150032client11@relay-server1.net", kGroup, "old", kClient11, {kClient11, kClient12}, 1};
        Share kept{"20071001150033client11@relay-server1.net", kGroup, "kept", kClient11, {kClient11}, 1};
        shares.putIfNewer(gone);
        shares.putIfNewer(kept);
        gone.version = 2;
        gone.removed = true;
        shares.putIfNewer(gone);
        const auto first_seen = EngineBase::systemClockMs();
        relay_->setRetention({10'000, 200, 1000});
        relay_->setClock([&] { return first_seen; });
        relay_->prune();
        CPPUNIT_ASSERT(shares.record(gone.id).has_value());  // the tombstone still guards the id
        relay_->setClock([&] { return first_seen + 60'000; });
        relay_->prune();
        CPPUNIT_ASSERT(!shares.record(gone.id).has_value());
        CPPUNIT_ASSERT(shares.find(kept.id).has_value());
        std::size_t members = 0;
        std::string id = gone.id;
        // The members of the pruned share went with it.
        node_->database.session() << "SELECT COUNT(*) FROM share_members WHERE share_id = ?",
            Poco::Data::Keywords::into(members), Poco::Data::Keywords::use(id), Poco::Data::Keywords::now;
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, members);
    }

    void onlyTheNewestSyncReportsAndDeadLettersAreKept() {
        for (int i = 0; i < 5; ++i) {
            SyncReport report;
            report.sync_id = kRelay1 + "/sync-" + std::to_string(i);
            relay_->syncs().putResult(report);
            relay_->messages().enqueue(kRelay2, "payload " + std::to_string(i));
        }
        for (const auto& item : relay_->messages().outbox()) relay_->messages().moveToDeadLetters(item, "refused");
        relay_->setRetention({10'000, 2, 3});
        relay_->prune();
        const auto results = relay_->syncs().results();
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, results.size());
        CPPUNIT_ASSERT_EQUAL(kRelay1 + "/sync-4", results.back().sync_id);
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, relay_->messages().counts().dead_letters);
    }

private:
    std::unique_ptr<RelayOnItsOwn> node_;
    RelayEngine* relay_ = nullptr;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PruneTest);

}  // namespace relaysync::core::coretest
