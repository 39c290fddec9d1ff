// Handing the outbox to the transport: a message leaves only once taken; a peer that is down
// keeps its messages in order without holding up anybody else.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <functional>
#include <map>

#include "core_test_support.h"
#include "persistence/message_store.h"
#include "runtime/outbox_dispatcher.h"

namespace relaysync::core::coretest {

namespace {
// A transport whose answer per peer is set by the test; it records what it took.
class ScriptedTransport final : public sdk::Transport {
public:
    sdk::Status start(const std::string&, sdk::TransportListener&) override { return sdk::Status::ok(); }
    sdk::Status send(const std::string& to, const std::string& payload) override {
        ++attempts[to];
        if (whileSending) whileSending(payload);
        if (const auto found = refusals.find(to); found != refusals.end()) return found->second;
        if (const auto found = refusedPayloads.find(payload); found != refusedPayloads.end()) return found->second;
        taken.push_back({to, payload});
        return sdk::Status::ok();
    }
    std::size_t maxPayloadBytes() const override { return 1024 * 1024; }
    sdk::Reachability reachability(const std::string& account) const override {
        return refusals.count(account) ? sdk::Reachability::unreachable : sdk::Reachability::reachable;
    }
    void stop() override {}

    std::map<std::string, sdk::Status> refusals;         // by destination
    std::map<std::string, sdk::Status> refusedPayloads;  // by payload
    std::vector<std::pair<std::string, std::string>> taken;
    std::map<std::string, int> attempts;
    // Runs inside send(), as if while waiting for the peer's acknowledgement.
    std::function<void(const std::string& payload)> whileSending;
};
}  // namespace

class OutboxDispatcherTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OutboxDispatcherTest);
    CPPUNIT_TEST(emptyOutboxSendsNothing);
    CPPUNIT_TEST(sendsEverythingOldestFirstAndEmptiesTheOutbox);
    CPPUNIT_TEST(unreachablePeerKeepsItsMessagesAndOthersStillGo);
    CPPUNIT_TEST(peerThatComesBackGetsItsMessagesInOrder);
    CPPUNIT_TEST(laterMessagesForAWaitingPeerAreNotEvenTried);
    CPPUNIT_TEST(undeliverableMessageDoesNotBlockItsPeerForever);
    CPPUNIT_TEST(messagesDroppedWhileSendingDoNotGo);
    CPPUNIT_TEST(messageQueuedWhileSendingGoesInTheSameRound);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        quietLogs();
        dir_ = std::make_unique<TempDir>();
        database_ = std::make_unique<Database>(dir_->url());
        messages_ = std::make_unique<MessageStore>(*database_);
        dispatcher_ = std::make_unique<OutboxDispatcher>(*messages_, transport_);
    }
    void tearDown() override {
        dispatcher_.reset();
        messages_.reset();
        database_.reset();
        dir_.reset();
    }

    void emptyOutboxSendsNothing() {
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, dispatcher_->flush());
        CPPUNIT_ASSERT(transport_.taken.empty());
    }

    void sendsEverythingOldestFirstAndEmptiesTheOutbox() {
        messages_->enqueue(kRelay2, "1");
        messages_->enqueue(kClient11, "2");
        messages_->enqueue(kRelay2, "3");
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, dispatcher_->flush());
        CPPUNIT_ASSERT((transport_.taken == std::vector<std::pair<std::string, std::string>>{
                                                {kRelay2, "1"}, {kClient11, "2"}, {kRelay2, "3"}}));
        CPPUNIT_ASSERT(messages_->outbox().empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, dispatcher_->flush());
    }

    void unreachablePeerKeepsItsMessagesAndOthersStillGo() {
        transport_.refusals[kRelay2] = sdk::Status::unreachable("relay-server2 is down");
        messages_->enqueue(kRelay2, "r2-first");
        messages_->enqueue(kClient11, "c11");
        messages_->enqueue(kRelay2, "r2-second");
        messages_->enqueue(kClient12, "c12");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, dispatcher_->flush());
        CPPUNIT_ASSERT((transport_.taken == std::vector<std::pair<std::string, std::string>>{
                                                {kClient11, "c11"}, {kClient12, "c12"}}));
        const auto left = messages_->outbox();
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, left.size());
        CPPUNIT_ASSERT_EQUAL(std::string("r2-first"), left[0].payload);
        CPPUNIT_ASSERT_EQUAL(std::string("r2-second"), left[1].payload);
    }

    void peerThatComesBackGetsItsMessagesInOrder() {
        transport_.refusals[kRelay2] = sdk::Status::unreachable("down");
        messages_->enqueue(kRelay2, "1");
        messages_->enqueue(kRelay2, "2");
        dispatcher_->flush();
        messages_->enqueue(kRelay2, "3");
        transport_.refusals.clear();
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, dispatcher_->flush());
        CPPUNIT_ASSERT((transport_.taken == std::vector<std::pair<std::string, std::string>>{
                                                {kRelay2, "1"}, {kRelay2, "2"}, {kRelay2, "3"}}));
        CPPUNIT_ASSERT(messages_->outbox().empty());
    }

    void laterMessagesForAWaitingPeerAreNotEvenTried() {
        transport_.refusals[kRelay2] = sdk::Status::unreachable("down");
        for (int i = 0; i < 5; ++i) messages_->enqueue(kRelay2, std::to_string(i));
        dispatcher_->flush();
        CPPUNIT_ASSERT_EQUAL(1, transport_.attempts[kRelay2]);
    }

    // The transport contract (sdk/transport.h): a code other than ok and unreachable means the
    // message "can never be delivered as it is". Keeping it and retrying forever would hold up
    // every later message for that peer for good.
    void undeliverableMessageDoesNotBlockItsPeerForever() {
        transport_.refusedPayloads["too large"] = sdk::Status::invalidArgument("message too large");
        messages_->enqueue(kRelay2, "too large");
        messages_->enqueue(kRelay2, "fine");
        dispatcher_->flush();
        dispatcher_->flush();
        const bool fine_sent = std::find(transport_.taken.begin(), transport_.taken.end(),
                                         std::pair<std::string, std::string>{kRelay2, "fine"}) != transport_.taken.end();
        CPPUNIT_ASSERT_MESSAGE("a message after an undeliverable one is never sent", fine_sent);
        CPPUNIT_ASSERT(messages_->outbox().empty());
    }

    // purge-outbox while the sender waits for the peer to take an earlier message.
    void messagesDroppedWhileSendingDoNotGo() {
        messages_->enqueue(kRelay2, "1");
        messages_->enqueue(kRelay2, "2");
        messages_->enqueue(kRelay2, "3");
        transport_.whileSending = [this](const std::string& payload) {
            if (payload == "1") messages_->purgeOutbox(kRelay2);
        };
        CPPUNIT_ASSERT(dispatcher_->flushDestination(kRelay2, nullptr));
        CPPUNIT_ASSERT((transport_.taken == std::vector<std::pair<std::string, std::string>>{{kRelay2, "1"}}));
        CPPUNIT_ASSERT(messages_->outbox().empty());
    }

    void messageQueuedWhileSendingGoesInTheSameRound() {
        messages_->enqueue(kRelay2, "1");
        transport_.whileSending = [this](const std::string& payload) {
            if (payload == "1") messages_->enqueue(kRelay2, "2");
        };
        CPPUNIT_ASSERT(dispatcher_->flushDestination(kRelay2, nullptr));
        CPPUNIT_ASSERT((transport_.taken == std::vector<std::pair<std::string, std::string>>{{kRelay2, "1"}, {kRelay2, "2"}}));
    }

private:
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<MessageStore> messages_;
    ScriptedTransport transport_;
    std::unique_ptr<OutboxDispatcher> dispatcher_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(OutboxDispatcherTest);

}  // namespace relaysync::core::coretest
