// What an operator sees and undoes: the outbox per destination, the dead letters (messages the
// transport refused for good) with their reasons, and purging either.
#include <cppunit/extensions/HelperMacros.h>

#include "core_test_support.h"
#include "persistence/message_store.h"

namespace relaysync::core::coretest {

class DeadLettersTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DeadLettersTest);
    CPPUNIT_TEST(deadLettersKeepDestinationPayloadAndReasonInOrder);
    CPPUNIT_TEST(oneDeadLetterIsFoundBySeq);
    CPPUNIT_TEST(removingADeadLetterSaysWhetherItWasThere);
    CPPUNIT_TEST(purgingDeadLettersRemovesAllAndCountsThem);
    CPPUNIT_TEST(deadLettersSurviveReopen);
    CPPUNIT_TEST(outboxSummaryHasOneRowPerDestinationWithItsOldest);
    CPPUNIT_TEST(purgingTheOutboxDropsOnlyThatDestination);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { dir_ = std::make_unique<TempDir>(); }
    void tearDown() override { dir_.reset(); }

    void deadLettersKeepDestinationPayloadAndReasonInOrder() {
        Database database(dir_->url());
        MessageStore messages(database);
        setAside(messages, kRelay2, "one", "invalid_argument: too large");
        setAside(messages, kClient11, "two", "not_found: no such account");
        const auto letters = messages.deadLetters();
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, letters.size());
        CPPUNIT_ASSERT_EQUAL(kRelay2, letters[0].destination);
        CPPUNIT_ASSERT_EQUAL(std::string("one"), letters[0].payload);
        CPPUNIT_ASSERT_EQUAL(std::string("invalid_argument: too large"), letters[0].reason);
        CPPUNIT_ASSERT_EQUAL(kClient11, letters[1].destination);
        CPPUNIT_ASSERT_EQUAL(std::string("not_found: no such account"), letters[1].reason);
        CPPUNIT_ASSERT(letters[0].seq < letters[1].seq);
        CPPUNIT_ASSERT(messages.outbox().empty());
    }

    void oneDeadLetterIsFoundBySeq() {
        Database database(dir_->url());
        MessageStore messages(database);
        const auto seq = setAside(messages, kRelay2, "payload", "why");
        const auto letter = messages.deadLetter(seq);
        CPPUNIT_ASSERT(letter.has_value());
        CPPUNIT_ASSERT_EQUAL(seq, letter->seq);
        CPPUNIT_ASSERT_EQUAL(kRelay2, letter->destination);
        CPPUNIT_ASSERT_EQUAL(std::string("payload"), letter->payload);
        CPPUNIT_ASSERT_EQUAL(std::string("why"), letter->reason);
        CPPUNIT_ASSERT(!messages.deadLetter(seq + 1000).has_value());
    }

    void removingADeadLetterSaysWhetherItWasThere() {
        Database database(dir_->url());
        MessageStore messages(database);
        const auto first = setAside(messages, kRelay2, "one", "why");
        setAside(messages, kRelay2, "two", "why");
        CPPUNIT_ASSERT(messages.removeDeadLetter(first));
        CPPUNIT_ASSERT(!messages.removeDeadLetter(first));
        const auto letters = messages.deadLetters();
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, letters.size());
        CPPUNIT_ASSERT_EQUAL(std::string("two"), letters[0].payload);
    }

    void purgingDeadLettersRemovesAllAndCountsThem() {
        Database database(dir_->url());
        MessageStore messages(database);
        setAside(messages, kRelay2, "one", "why");
        setAside(messages, kClient11, "two", "why");
        messages.enqueue(kRelay2, "still waiting");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, messages.purgeDeadLetters());
        CPPUNIT_ASSERT(messages.deadLetters().empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, messages.purgeDeadLetters());
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, messages.outbox().size());  // the outbox is not touched
    }

    void deadLettersSurviveReopen() {
        {
            Database database(dir_->url());
            MessageStore messages(database);
            setAside(messages, kRelay2, "kept", "why");
        }
        Database database(dir_->url());
        MessageStore messages(database);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, messages.deadLetters().size());
        CPPUNIT_ASSERT_EQUAL(std::string("kept"), messages.deadLetters()[0].payload);
    }

    void outboxSummaryHasOneRowPerDestinationWithItsOldest() {
        Database database(dir_->url());
        MessageStore messages(database);
        CPPUNIT_ASSERT(messages.outboxSummary().empty());
        messages.enqueue(kRelay2, "a");
        messages.enqueue(kClient11, "b");
        messages.enqueue(kRelay2, "c");
        auto summary = messages.outboxSummary();
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, summary.size());
        // By destination: "client11@..." before "relay-server2@...".
        CPPUNIT_ASSERT_EQUAL(kClient11, summary[0].destination);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, summary[0].count);
        CPPUNIT_ASSERT_EQUAL(std::string("b"), summary[0].oldest.payload);
        CPPUNIT_ASSERT_EQUAL(kRelay2, summary[1].destination);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, summary[1].count);
        CPPUNIT_ASSERT_EQUAL(std::string("a"), summary[1].oldest.payload);
        CPPUNIT_ASSERT_EQUAL(kRelay2, summary[1].oldest.destination);
        messages.removeFromOutbox(summary[1].oldest.seq);
        summary = messages.outboxSummary();
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, summary[1].count);
        CPPUNIT_ASSERT_EQUAL(std::string("c"), summary[1].oldest.payload);
    }

    void purgingTheOutboxDropsOnlyThatDestination() {
        Database database(dir_->url());
        MessageStore messages(database);
        messages.enqueue(kRelay2, "a");
        messages.enqueue(kClient11, "b");
        messages.enqueue(kRelay2, "c");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, messages.purgeOutbox(kRelay2));
        const auto outbox = messages.outbox();
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, outbox.size());
        CPPUNIT_ASSERT_EQUAL(kClient11, outbox[0].destination);
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, messages.purgeOutbox("nobody@net"));
    }

private:
    // Queues `payload` and sets it aside as the dispatcher does; returns its seq.
    static std::int64_t setAside(MessageStore& messages, const std::string& to, const std::string& payload,
                                 const std::string& reason) {
        messages.enqueue(to, payload);
        const auto item = messages.outbox().back();
        messages.moveToDeadLetters(item, reason);
        return item.seq;
    }

    std::unique_ptr<TempDir> dir_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(DeadLettersTest);

}  // namespace relaysync::core::coretest
