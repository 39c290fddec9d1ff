// What an operator sees and undoes: the outbox per destination, the dead letters (messages the
// transport refused for good) with their reasons, purging either, and putting a dead letter
// back into the outbox under a fresh id.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <sstream>

#include "core_test_support.h"
#include "engine_test_support.h"
#include "protocol/message_id.h"
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

// Receivers will drop ids lower than what they have already seen from a sender, and a dead
// letter's id is older than everything sent after it: a resent one must get a fresh id.
class ResendDeadLetterTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ResendDeadLetterTest);
    CPPUNIT_TEST(resentLetterGetsTheNextIdAndKeepsEverythingElse);
    CPPUNIT_TEST(resentLetterGoesBehindWhatIsQueuedForItsPeer);
    CPPUNIT_TEST(unknownDeadLetterIsAClearError);
    CPPUNIT_TEST(unreadableDeadLetterIsRefusedAndNothingChanges);
    CPPUNIT_TEST(allDeadLettersAreResentInOrderWithFreshIds);
    CPPUNIT_TEST(allOrNothing);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        quietLogs();
        dir_ = std::make_unique<TempDir>();
        terminal_ = std::make_unique<TerminalHarness>(*dir_);
        terminal_->joinGroup();  // answered: one message in the outbox
        terminal_->engine->createShare(kGroup, "workspace1", {kClient11, kClient12});
    }
    void tearDown() override {
        terminal_.reset();
        dir_.reset();
    }

    void resentLetterGetsTheNextIdAndKeepsEverythingElse() {
        const auto original = decode(messages().outbox().front().payload);
        const auto seq = setAsideOldest();
        const auto highest = highestIdSoFar();
        const auto sent_before = sentOf(original.type);

        const auto id = terminal_->engine->resendDeadLetter(seq);

        CPPUNIT_ASSERT_EQUAL(idFor(highest + 1), id);
        CPPUNIT_ASSERT(messages().deadLetters().empty());
        const auto resent = decode(messages().outbox().back().payload);
        CPPUNIT_ASSERT_EQUAL(id, resent.id);
        CPPUNIT_ASSERT_EQUAL(std::string(wireName(original.type)), std::string(wireName(resent.type)));
        CPPUNIT_ASSERT_EQUAL(original.from, resent.from);
        CPPUNIT_ASSERT_EQUAL(original.to, resent.to);
        CPPUNIT_ASSERT_EQUAL(jsonText(original.body), jsonText(resent.body));
        CPPUNIT_ASSERT_EQUAL(original.to, messages().outbox().back().destination);
        CPPUNIT_ASSERT_EQUAL(sent_before + 1, sentOf(original.type));
        // The counter moved on: the next message sent gets a later id still.
        terminal_->engine->createShare(kGroup, "projects", {kClient11});
        CPPUNIT_ASSERT(idNumber(outboxOf(*terminal_->engine).back().id) > highest + 1);
    }

    void resentLetterGoesBehindWhatIsQueuedForItsPeer() {
        const auto seq = setAsideOldest();
        const auto waiting = messages().outbox().size();
        terminal_->engine->resendDeadLetter(seq);
        const auto outbox = messages().outbox();
        CPPUNIT_ASSERT_EQUAL(waiting + 1, outbox.size());
        CPPUNIT_ASSERT(outbox.back().seq > seq);
    }

    void unknownDeadLetterIsAClearError() {
        const auto message = thrownMessage<CommandError>([&] { terminal_->engine->resendDeadLetter(4242); });
        CPPUNIT_ASSERT_EQUAL(std::string("no dead letter 4242 (see dead-letters)"), message);
    }

    void unreadableDeadLetterIsRefusedAndNothingChanges() {
        messages().moveToDeadLetters({9001, kRelay1, "not a message"}, "invalid_argument: mangled");
        const auto outbox_before = messages().outbox().size();
        const auto message = thrownMessage<CommandError>([&] { terminal_->engine->resendDeadLetter(9001); });
        RS_ASSERT_CONTAINS(message, "dead letter 9001 cannot be resent: ");
        RS_ASSERT_CONTAINS(message, "(drop it with purge-dead-letters 9001)");
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, messages().deadLetters().size());
        CPPUNIT_ASSERT_EQUAL(outbox_before, messages().outbox().size());
    }

    void allDeadLettersAreResentInOrderWithFreshIds() {
        const auto first = decode(messages().outbox().at(0).payload);
        const auto second = decode(messages().outbox().at(1).payload);
        setAsideOldest();
        setAsideOldest();
        const auto highest = highestIdSoFar();
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, terminal_->engine->resendAllDeadLetters());
        CPPUNIT_ASSERT(messages().deadLetters().empty());
        const auto sent = outboxOf(*terminal_->engine);
        const auto& again_first = sent.at(sent.size() - 2);
        const auto& again_second = sent.back();
        CPPUNIT_ASSERT_EQUAL(std::string(wireName(first.type)), std::string(wireName(again_first.type)));
        CPPUNIT_ASSERT_EQUAL(std::string(wireName(second.type)), std::string(wireName(again_second.type)));
        CPPUNIT_ASSERT_EQUAL(idFor(highest + 1), again_first.id);
        CPPUNIT_ASSERT_EQUAL(idFor(highest + 2), again_second.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, terminal_->engine->resendAllDeadLetters());
    }

    // One unreadable letter refuses the whole --all: nothing is resent, no id is used up.
    void allOrNothing() {
        setAsideOldest();
        messages().moveToDeadLetters({9001, kRelay1, "not a message"}, "invalid_argument: mangled");
        const auto highest = highestIdSoFar();
        const auto outbox_before = messages().outbox().size();
        const auto message = thrownMessage<CommandError>([&] { terminal_->engine->resendAllDeadLetters(); });
        RS_ASSERT_CONTAINS(message, "dead letter 9001 cannot be resent");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, messages().deadLetters().size());
        CPPUNIT_ASSERT_EQUAL(outbox_before, messages().outbox().size());
        terminal_->engine->createShare(kGroup, "projects", {kClient11});
        CPPUNIT_ASSERT_EQUAL(idFor(highest + 1), outboxOf(*terminal_->engine).back().id);
    }

private:
    MessageStore& messages() { return terminal_->engine->messages(); }

    // Sets the oldest waiting message aside, as the dispatcher does; returns its seq.
    std::int64_t setAsideOldest() {
        const auto item = messages().outbox().front();
        messages().moveToDeadLetters(item, "invalid_argument: refused for good");
        return item.seq;
    }

    static std::string jsonText(const Poco::JSON::Object::Ptr& object) {
        std::ostringstream text;
        object->stringify(text);
        return text.str();
    }

    static std::int64_t idNumber(const std::string& id) { return parseMessageId(id, kClient11)->n; }
    // The id this node gives its `n`th message: "<account>#<epoch>.<n>".
    std::string idFor(std::int64_t n) { return formatMessageId(kClient11, terminal_->database->epoch(), n); }

    // The highest id this node has given out, over what waits and what was set aside.
    std::int64_t highestIdSoFar() {
        std::int64_t highest = 0;
        for (const auto& message : outboxOf(*terminal_->engine)) highest = std::max(highest, idNumber(message.id));
        for (const auto& letter : messages().deadLetters())
            if (letter.payload.front() == '{') highest = std::max(highest, idNumber(decode(letter.payload).id));
        return highest;
    }

    std::int64_t sentOf(MessageType type) {
        const auto& traffic = terminal_->engine->traffic();
        const auto found = traffic.find(wireName(type));
        return found == traffic.end() ? 0 : found->second.sent;
    }

    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<TerminalHarness> terminal_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ResendDeadLetterTest);

}  // namespace relaysync::core::coretest
