// The messages a node keeps: outbox order, ids already handled, and deferred messages, all of
// which must outlive a restart.
#include <cppunit/extensions/HelperMacros.h>

#include "core_test_support.h"
#include "persistence/message_store.h"
#include "persistence/sql_query.h"

namespace relaysync::core::coretest {

class MessageStoreTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MessageStoreTest);
    CPPUNIT_TEST(outboxKeepsSendingOrder);
    CPPUNIT_TEST(removeFromOutboxRemovesOnlyThatMessage);
    CPPUNIT_TEST(deliveredMessagesAreSkippedAndLeaveWithTheNextTransaction);
    CPPUNIT_TEST(deliveredRowsStayDueWhenTheTransactionRollsBack);
    CPPUNIT_TEST(senderKnowsWhenNothingIsBehindTheMessageItGot);
    CPPUNIT_TEST(outboxPayloadIsKeptByteForByte);
    CPPUNIT_TEST(outboxSurvivesReopenAndKeepsNumberingUp);
    CPPUNIT_TEST(seenIsAHighWaterMarkPerSenderAndEpoch);
    CPPUNIT_TEST(onlyTheLatestEpochsOfASenderAreKept);
    CPPUNIT_TEST(deferredMessagesKeepSenderReasonAndOrder);
    CPPUNIT_TEST(deferredAttemptsAreCountedAndRemovalIsPerMessage);
    CPPUNIT_TEST(deferredAreFoundByWhatTheyWaitForAndCountedInBytes);
    CPPUNIT_TEST(deferredAndSeenSurviveReopen);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { dir_ = std::make_unique<TempDir>(); }
    void tearDown() override { dir_.reset(); }

    void outboxKeepsSendingOrder() {
        Database database(dir_->url());
        MessageStore messages(database);
        messages.enqueue(kRelay2, "one");
        messages.enqueue(kClient11, "two");
        messages.enqueue(kRelay2, "three");
        const auto outbox = messages.outbox();
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, outbox.size());
        CPPUNIT_ASSERT_EQUAL(std::string("one"), outbox[0].payload);
        CPPUNIT_ASSERT_EQUAL(kRelay2, outbox[0].destination);
        CPPUNIT_ASSERT_EQUAL(std::string("two"), outbox[1].payload);
        CPPUNIT_ASSERT_EQUAL(kClient11, outbox[1].destination);
        CPPUNIT_ASSERT_EQUAL(std::string("three"), outbox[2].payload);
        CPPUNIT_ASSERT(outbox[0].seq < outbox[1].seq && outbox[1].seq < outbox[2].seq);
    }

    void removeFromOutboxRemovesOnlyThatMessage() {
        Database database(dir_->url());
        MessageStore messages(database);
        messages.enqueue(kRelay2, "one");
        messages.enqueue(kRelay2, "two");
        messages.removeFromOutbox(messages.outbox().front().seq);
        const auto outbox = messages.outbox();
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, outbox.size());
        CPPUNIT_ASSERT_EQUAL(std::string("two"), outbox[0].payload);
        messages.removeFromOutbox(12345);  // unknown: nothing happens
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, messages.outbox().size());
    }

    static std::size_t rowsInOutbox(Database& database) {
        Query count(database, "SELECT COUNT(*) FROM outbox");
        return count.next() ? static_cast<std::size_t>(count.integer(0)) : 0;
    }

    void deliveredMessagesAreSkippedAndLeaveWithTheNextTransaction() {
        Database database(dir_->url());
        MessageStore messages(database);
        messages.enqueue(kRelay2, "one");
        messages.enqueue(kClient11, "other peer");
        messages.enqueue(kRelay2, "two");
        messages.markDelivered(*messages.oldestFor(kRelay2));
        // Still a row, but no reader hands it out again.
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, rowsInOutbox(database));
        CPPUNIT_ASSERT_EQUAL(std::string("two"), messages.oldestFor(kRelay2)->payload);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, messages.outboxCount(kRelay2));
        {
            Transaction transaction(database);
            messages.settleDelivered();  // a transaction is open: left to it
            messages.removeDelivered();
            transaction.commit();
            messages.deliveredRemoved();
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, rowsInOutbox(database));
        messages.markDelivered(*messages.oldestFor(kRelay2));
        CPPUNIT_ASSERT(!messages.oldestFor(kRelay2));
        messages.enqueue(kRelay2, "three");  // newer than anything delivered: it goes
        CPPUNIT_ASSERT_EQUAL(std::string("three"), messages.oldestFor(kRelay2)->payload);
        // Readers outside a transaction settle first: the whole outbox is what still waits.
        const auto outbox = messages.outbox();
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, outbox.size());
        CPPUNIT_ASSERT_EQUAL(std::string("other peer"), outbox[0].payload);
        CPPUNIT_ASSERT_EQUAL(std::string("three"), outbox[1].payload);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, rowsInOutbox(database));
    }

    void deliveredRowsStayDueWhenTheTransactionRollsBack() {
        Database database(dir_->url());
        MessageStore messages(database);
        messages.enqueue(kRelay2, "one");
        messages.markDelivered(*messages.oldestFor(kRelay2));
        {
            Transaction transaction(database);
            messages.removeDelivered();
        }  // rolled back
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, rowsInOutbox(database));
        CPPUNIT_ASSERT(!messages.oldestFor(kRelay2));
        messages.settleDelivered();
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, rowsInOutbox(database));
    }

    void senderKnowsWhenNothingIsBehindTheMessageItGot() {
        Database database(dir_->url());
        MessageStore messages(database);
        CPPUNIT_ASSERT(messages.mayHaveMore(kRelay2));  // never asked: the database knows
        messages.enqueue(kRelay2, "one");
        messages.enqueue(kRelay2, "two");
        messages.markDelivered(*messages.oldestFor(kRelay2));
        CPPUNIT_ASSERT(messages.mayHaveMore(kRelay2));  // "two" is behind it
        messages.markDelivered(*messages.oldestFor(kRelay2));
        CPPUNIT_ASSERT(!messages.mayHaveMore(kRelay2));
        messages.enqueue(kClient11, "elsewhere");
        CPPUNIT_ASSERT(!messages.mayHaveMore(kRelay2));
        messages.enqueue(kRelay2, "three");
        CPPUNIT_ASSERT(messages.mayHaveMore(kRelay2));
        CPPUNIT_ASSERT_EQUAL(std::string("three"), messages.oldestFor(kRelay2)->payload);
    }

    void outboxPayloadIsKeptByteForByte() {
        Database database(dir_->url());
        MessageStore messages(database);
        const std::string bytes = makePayload(MessageType::answer, "x#1", kRelay1, kRelay2) +
                                  "'quote' \"double\" \xE5\xA4\xA7\xE9\x98\xAA\n\ttab";
        messages.enqueue(kRelay2, bytes);
        CPPUNIT_ASSERT_EQUAL(bytes, messages.outbox().at(0).payload);
    }

    void outboxSurvivesReopenAndKeepsNumberingUp() {
        std::int64_t first_seq = 0;
        {
            Database database(dir_->url());
            MessageStore messages(database);
            messages.enqueue(kRelay2, "before restart");
            first_seq = messages.outbox().at(0).seq;
            messages.removeFromOutbox(first_seq);
            messages.enqueue(kRelay2, "kept across restart");
        }
        Database database(dir_->url());
        MessageStore messages(database);
        messages.enqueue(kRelay2, "after restart");
        const auto outbox = messages.outbox();
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, outbox.size());
        CPPUNIT_ASSERT_EQUAL(std::string("kept across restart"), outbox[0].payload);
        CPPUNIT_ASSERT_EQUAL(std::string("after restart"), outbox[1].payload);
        CPPUNIT_ASSERT(outbox[1].seq > outbox[0].seq);
        CPPUNIT_ASSERT(outbox[0].seq > first_seq);
    }

    // A high-water mark per sender and epoch: everything at or below it counts as seen.
    void seenIsAHighWaterMarkPerSenderAndEpoch() {
        Database database(dir_->url());
        MessageStore messages(database);
        CPPUNIT_ASSERT(!messages.seen(kRelay1, {"e1", 1}));
        messages.markSeen(kRelay1, {"e1", 5}, 1000);
        messages.markSeen(kRelay1, {"e1", 3}, 1001);  // a lower one never lowers the mark
        CPPUNIT_ASSERT(messages.seen(kRelay1, {"e1", 1}));
        CPPUNIT_ASSERT(messages.seen(kRelay1, {"e1", 5}));
        CPPUNIT_ASSERT(!messages.seen(kRelay1, {"e1", 6}));
        CPPUNIT_ASSERT(!messages.seen(kRelay1, {"e2", 1}));  // a database made anew starts afresh
        CPPUNIT_ASSERT(!messages.seen(kRelay2, {"e1", 1}));
    }

    void onlyTheLatestEpochsOfASenderAreKept() {
        Database database(dir_->url());
        MessageStore messages(database);
        for (int epoch = 0; epoch < 10; ++epoch) messages.markSeen(kRelay1, {"e" + std::to_string(epoch), 7}, 1000 + epoch);
        int kept = 0;
        database.session() << "SELECT COUNT(*) FROM peer_sequences WHERE sender = ?", Poco::Data::Keywords::into(kept),
            Poco::Data::Keywords::bind(kRelay1), Poco::Data::Keywords::now;
        CPPUNIT_ASSERT_EQUAL(MessageStore::kEpochsPerSender, kept);
        CPPUNIT_ASSERT(messages.seen(kRelay1, {"e9", 7}));
        CPPUNIT_ASSERT(!messages.seen(kRelay1, {"e0", 7}));
    }

    void deferredMessagesKeepSenderReasonAndOrder() {
        Database database(dir_->url());
        MessageStore messages(database);
        messages.defer(peer(kRelay1), "payload-1", "group 0001@relay-server1 is not known here yet", "k1", 1000);
        messages.defer(peer(kRelay2), "payload-2", "share s1 is not known here yet", "k2", 1000);
        const auto deferred = messages.deferred();
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, deferred.size());
        CPPUNIT_ASSERT_EQUAL(kRelay1, deferred[0].sender.account);
        CPPUNIT_ASSERT(deferred[0].sender.role == sdk::PeerRole::relay);
        CPPUNIT_ASSERT_EQUAL(std::string("payload-1"), deferred[0].payload);
        CPPUNIT_ASSERT_EQUAL(std::string("group 0001@relay-server1 is not known here yet"), deferred[0].reason);
        CPPUNIT_ASSERT_EQUAL(0, deferred[0].attempts);
        CPPUNIT_ASSERT_EQUAL(kRelay2, deferred[1].sender.account);
        CPPUNIT_ASSERT(deferred[0].seq < deferred[1].seq);
    }

    void deferredAttemptsAreCountedAndRemovalIsPerMessage() {
        Database database(dir_->url());
        MessageStore messages(database);
        messages.defer(peer(kRelay1), "a", "why a", "k", 1000);
        messages.defer(peer(kRelay1), "b", "why b", "k", 1000);
        const auto seq_a = messages.deferred().at(0).seq;
        messages.countDeferredAttempt(seq_a);
        messages.countDeferredAttempt(seq_a);
        auto deferred = messages.deferred();
        CPPUNIT_ASSERT_EQUAL(2, deferred[0].attempts);
        CPPUNIT_ASSERT_EQUAL(0, deferred[1].attempts);
        messages.removeDeferred(seq_a);
        deferred = messages.deferred();
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, deferred.size());
        CPPUNIT_ASSERT_EQUAL(std::string("b"), deferred[0].payload);
    }

    void deferredAreFoundByWhatTheyWaitForAndCountedInBytes() {
        Database database(dir_->url());
        MessageStore messages(database);
        messages.defer(peer(kRelay1), "aaaa", "why", "share\ns1", 1000);
        messages.defer(peer(kRelay2), "bb", "why", "group\ng1", 2000);
        messages.defer(peer(kRelay1), "cccccc", "why", "share\ns1", 3000);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, messages.deferredDependencies().size());
        const auto waiting = messages.deferredWaitingFor("share\ns1");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, waiting.size());
        CPPUNIT_ASSERT_EQUAL(std::string("aaaa"), waiting[0].payload);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, messages.deferredLoad(kRelay1).messages);
        CPPUNIT_ASSERT_EQUAL(std::size_t{10}, messages.deferredLoad(kRelay1).bytes);
        CPPUNIT_ASSERT_EQUAL(std::size_t{12}, messages.deferredLoad().bytes);
        messages.rewaitDeferred(waiting[0].seq, "group\ng1", "now the group");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, messages.deferredWaitingFor("group\ng1").size());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, messages.dropDeferredBefore(3000));
        CPPUNIT_ASSERT_EQUAL(std::string("cccccc"), messages.deferred().at(0).payload);
    }

    void deferredAndSeenSurviveReopen() {
        {
            Database database(dir_->url());
            MessageStore messages(database);
            messages.defer(peer(kRelay1), "early", "waits", "k", 1000);
            messages.markSeen("m", {"", 1}, 1000);
        }
        Database database(dir_->url());
        MessageStore messages(database);
        CPPUNIT_ASSERT(messages.seen("m", {"", 1}));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, messages.deferred().size());
        CPPUNIT_ASSERT_EQUAL(std::string("early"), messages.deferred()[0].payload);
        // Numbering continues, so the order of deferral is kept.
        messages.defer(peer(kRelay1), "later", "waits too", "k", 1000);
        CPPUNIT_ASSERT_EQUAL(std::string("later"), messages.deferred().at(1).payload);
    }

private:
    std::unique_ptr<TempDir> dir_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(MessageStoreTest);

}  // namespace relaysync::core::coretest
