// Messages get through, from the right account, and send() says ok only once the receiver's
// listener has taken the message.

#include <atomic>
#include <thread>

#include "direct_fixture.h"

namespace relaysync::tests {

class DeliveryTest : public DirectFixture {
    CPPUNIT_TEST_SUITE(DeliveryTest);
    CPPUNIT_TEST(twoRelaysDeliverBothWaysFromTheRightAccount);
    CPPUNIT_TEST(sendReturnsOnlyAfterTheReceiverTookTheMessage);
    CPPUNIT_TEST(aSlowReceiverMakesSendTimeOutButTheMessageStillArrives);
    CPPUNIT_TEST(aMessageTheReceiverCouldNotTakeIsNotAcknowledged);
    CPPUNIT_TEST(aTerminalThatOnlyDialsReceivesWhatItsRelayPushes);
    CPPUNIT_TEST(aBurstArrivesInOrderExactlyOnce);
    CPPUNIT_TEST(concurrentSendersAllGetThrough);
    CPPUNIT_TEST(aMessageAsLargeAsTheFrameLimitGetsThrough);
    CPPUNIT_TEST(largeFramesBothWaysAtOnceDoNotDeadlock);
    CPPUNIT_TEST(stopWakesASendWaitingForItsAck);
    CPPUNIT_TEST_SUITE_END();

    // Two relays listing each other, both listening.
    std::pair<Node*, Node*> twoRelays(sdk::PluginConfig a_config = tlsConfig("relay-a@net"),
                                      sdk::PluginConfig b_config = tlsConfig("relay-b@net")) {
        const std::uint16_t a_port = freePort();
        const std::uint16_t b_port = freePort();
        Node& a = startNode("relay-a@net", a_config, a_port, {peerAt("relay-b@net", b_port)});
        Node& b = startNode("relay-b@net", b_config, b_port, {peerAt("relay-a@net", a_port)});
        CPPUNIT_ASSERT(a.listener->waitForReachability("relay-b@net", true, kWait));
        CPPUNIT_ASSERT(b.listener->waitForReachability("relay-a@net", true, kWait));
        return {&a, &b};
    }

public:
    void twoRelaysDeliverBothWaysFromTheRightAccount() {
        auto [a, b] = twoRelays();
        ASSERT_STATUS(sdk::StatusCode::ok, a->transport->send("relay-b@net", "from a"));
        ASSERT_STATUS(sdk::StatusCode::ok, b->transport->send("relay-a@net", "from b"));

        CPPUNIT_ASSERT(b->listener->waitForMessages(1, kWait));
        CPPUNIT_ASSERT(a->listener->waitForMessages(1, kWait));
        CPPUNIT_ASSERT_EQUAL(std::string("relay-a@net"), b->listener->messages().at(0).from);
        CPPUNIT_ASSERT_EQUAL(std::string("from a"), b->listener->messages().at(0).payload);
        CPPUNIT_ASSERT_EQUAL(std::string("relay-b@net"), a->listener->messages().at(0).from);
        CPPUNIT_ASSERT_EQUAL(std::string("from b"), a->listener->messages().at(0).payload);
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::reachable, a->transport->reachability("relay-b@net"));
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::reachable, b->transport->reachability("relay-a@net"));
    }

    void sendReturnsOnlyAfterTheReceiverTookTheMessage() {
        auto [a, b] = twoRelays();
        ASSERT_STATUS(sdk::StatusCode::ok, a->transport->send("relay-b@net", "warm-up"));
        b->listener->setDelay(milliseconds(400));

        const auto before = Clock::now();
        ASSERT_STATUS(sdk::StatusCode::ok, a->transport->send("relay-b@net", "slow"));
        const auto returned = Clock::now();

        CPPUNIT_ASSERT_EQUAL(std::size_t(2), b->listener->messages().size());
        CPPUNIT_ASSERT_MESSAGE("send returned before the receiver's onMessage did",
                               returned >= b->listener->lastReturn());
        CPPUNIT_ASSERT(returned - before >= milliseconds(400));
    }

    // The receiver's core could not store it (onMessage not ok): the sender must keep it.
    void aMessageTheReceiverCouldNotTakeIsNotAcknowledged() {
        auto [a, b] = twoRelays();
        ASSERT_STATUS(sdk::StatusCode::ok, a->transport->send("relay-b@net", "warm-up"));
        b->listener->refuseNext(1);
        const auto before = Clock::now();
        ASSERT_STATUS(sdk::StatusCode::unreachable, a->transport->send("relay-b@net", "refused"));
        CPPUNIT_ASSERT_MESSAGE("the sender waited out its ack timeout", Clock::now() - before < milliseconds(5000));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), b->listener->messages().size());
        // Sent again (as core's outbox does), it gets through.
        CPPUNIT_ASSERT(eventually([&] { return a->transport->send("relay-b@net", "refused").isOk(); }, kWait));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), b->listener->messages().size());
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), b->listener->messages().at(1).payload);
    }

    void aSlowReceiverMakesSendTimeOutButTheMessageStillArrives() {
        auto a_config = tlsConfig("relay-a@net");
        a_config["ack_timeout_ms"] = "300";
        auto [a, b] = twoRelays(a_config);
        ASSERT_STATUS(sdk::StatusCode::ok, a->transport->send("relay-b@net", "warm-up"));
        b->listener->setDelay(milliseconds(1500));

        const auto before = Clock::now();
        const sdk::Status status = a->transport->send("relay-b@net", "late");
        ASSERT_STATUS(sdk::StatusCode::unreachable, status);
        CPPUNIT_ASSERT_MESSAGE(status.message(), status.message().find("ack_timeout_ms") != std::string::npos);
        CPPUNIT_ASSERT(Clock::now() - before < milliseconds(1400));

        // At least once: the receiver still gets it; a retry would deliver it again.
        CPPUNIT_ASSERT(b->listener->waitForMessages(2, kWait));
        CPPUNIT_ASSERT_EQUAL(std::string("late"), b->listener->messages().at(1).payload);
        b->listener->setDelay(milliseconds(0));
        ASSERT_STATUS(sdk::StatusCode::ok, a->transport->send("relay-b@net", "late"));
        CPPUNIT_ASSERT(b->listener->waitForMessages(3, kWait));
    }

    void aTerminalThatOnlyDialsReceivesWhatItsRelayPushes() {
        const std::uint16_t relay_port = freePort();
        Node& relay = startNode("relay-a@net", tlsConfig("relay-a@net"), relay_port);
        Node& terminal = startNode("client-a@relay-a.net", tlsConfig("client-a@relay-a.net"), 0,
                                   {peerAt("relay-a@net", relay_port)});

        CPPUNIT_ASSERT(relay.listener->waitForReachability("client-a@relay-a.net", true, kWait));
        CPPUNIT_ASSERT(terminal.listener->waitForReachability("relay-a@net", true, kWait));
        ASSERT_STATUS(sdk::StatusCode::ok, relay.transport->send("client-a@relay-a.net", "pushed"));
        CPPUNIT_ASSERT(terminal.listener->waitForMessages(1, kWait));
        CPPUNIT_ASSERT_EQUAL(std::string("relay-a@net"), terminal.listener->messages().at(0).from);
        CPPUNIT_ASSERT_EQUAL(std::string("pushed"), terminal.listener->messages().at(0).payload);

        ASSERT_STATUS(sdk::StatusCode::ok, terminal.transport->send("relay-a@net", "answer"));
        CPPUNIT_ASSERT_EQUAL(std::string("client-a@relay-a.net"), relay.listener->messages().at(0).from);
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::reachable, relay.transport->reachability("client-a@relay-a.net"));
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::unreachable, relay.transport->reachability("client-b@relay-a.net"));
    }

    void aBurstArrivesInOrderExactlyOnce() {
        auto [a, b] = twoRelays();
        constexpr int kCount = 1000;
        for (int i = 0; i < kCount; ++i)
            ASSERT_STATUS(sdk::StatusCode::ok, a->transport->send("relay-b@net", "message " + std::to_string(i)));
        // Deliveries are in order: once this one is in, any duplicate of the burst would be too.
        ASSERT_STATUS(sdk::StatusCode::ok, a->transport->send("relay-b@net", "end of burst"));
        const auto received = b->listener->messages();
        CPPUNIT_ASSERT_EQUAL(std::size_t(kCount + 1), received.size());
        CPPUNIT_ASSERT_EQUAL(std::string("end of burst"), received.back().payload);
        for (int i = 0; i < kCount; ++i) {
            CPPUNIT_ASSERT_EQUAL(std::string("message ") + std::to_string(i), received[i].payload);
            CPPUNIT_ASSERT_EQUAL(std::string("relay-a@net"), received[i].from);
        }
    }

    void concurrentSendersAllGetThrough() {
        auto [a, b] = twoRelays();
        constexpr int kThreads = 4;
        constexpr int kEach = 100;
        std::vector<std::thread> senders;
        std::atomic<int> failures{0};
        for (int t = 0; t < kThreads; ++t)
            senders.emplace_back([&, t] {
                for (int i = 0; i < kEach; ++i)
                    if (!a->transport->send("relay-b@net", std::to_string(t) + ":" + std::to_string(i)).isOk()) ++failures;
            });
        for (auto& sender : senders) sender.join();
        CPPUNIT_ASSERT_EQUAL(0, failures.load());
        CPPUNIT_ASSERT(b->listener->waitForMessages(kThreads * kEach, kWait));
        std::vector<int> next(kThreads, 0);  // each sender's messages arrive in its order
        for (const auto& message : b->listener->messages()) {
            const int t = std::stoi(message.payload.substr(0, message.payload.find(':')));
            CPPUNIT_ASSERT_EQUAL(std::to_string(t) + ":" + std::to_string(next[t]), message.payload);
            ++next[t];
        }
        CPPUNIT_ASSERT(next == std::vector<int>(kThreads, kEach));
    }

    void aMessageAsLargeAsTheFrameLimitGetsThrough() {
        auto [a, b] = twoRelays();
        constexpr std::size_t kLimit = 8388608;  // the default max_frame_bytes
        std::string payload(kLimit - 9, '\0');   // length field = type + seq + payload = the limit
        for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>((i * 131) % 251);
        ASSERT_STATUS(sdk::StatusCode::ok, a->transport->send("relay-b@net", payload));
        CPPUNIT_ASSERT(b->listener->waitForMessages(1, kWait));
        CPPUNIT_ASSERT(b->listener->messages().at(0).payload == payload);

        payload.push_back('x');
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, a->transport->send("relay-b@net", payload));
        ASSERT_STATUS(sdk::StatusCode::ok, a->transport->send("relay-b@net", "still fine"));
    }

    // Both relays send frames as large as the limit at each other at once, with a budget that
    // holds only one frame and slow listeners: ACKs must keep being read behind the frames, and
    // every send is acknowledged.
    void largeFramesBothWaysAtOnceDoNotDeadlock() {
        constexpr std::size_t kLimit = 1024 * 1024;
        constexpr int kEach = 4;
        auto limited = [&](const std::string& account) {
            auto config = tlsConfig(account);
            config["max_frame_bytes"] = std::to_string(kLimit);
            config["max_buffered_bytes"] = std::to_string(kLimit);
            return config;
        };
        auto [a, b] = twoRelays(limited("relay-a@net"), limited("relay-b@net"));
        a->listener->setDelay(milliseconds(20));
        b->listener->setDelay(milliseconds(20));
        const std::string payload(kLimit - 9, 'L');
        std::atomic<int> failures{0};
        std::vector<std::thread> senders;
        for (int t = 0; t < 2; ++t)
            for (auto [from, to] : {std::pair{a, "relay-b@net"}, std::pair{b, "relay-a@net"}})
                senders.emplace_back([&, from = from, to = to] {
                    for (int i = 0; i < kEach; ++i)
                        if (!from->transport->send(to, payload).isOk()) ++failures;
                });
        for (auto& sender : senders) sender.join();
        CPPUNIT_ASSERT_EQUAL(0, failures.load());
        CPPUNIT_ASSERT(a->listener->waitForMessages(2 * kEach, kWait));
        CPPUNIT_ASSERT(b->listener->waitForMessages(2 * kEach, kWait));
    }

    void stopWakesASendWaitingForItsAck() {
        auto [a, b] = twoRelays();
        b->listener->setDelay(milliseconds(3000));
        sdk::Status status;
        Clock::time_point returned;
        std::thread sender([&, a = a] {
            status = a->transport->send("relay-b@net", "never acknowledged");
            returned = Clock::now();
        });
        // b's listener has the message: a's send waits for its ACK.
        CPPUNIT_ASSERT(eventually([&, b = b] { return b->listener->messageCallCount() >= 1; }, kWait));
        const auto stopping = Clock::now();
        a->transport->stop();
        sender.join();
        ASSERT_STATUS(sdk::StatusCode::unreachable, status);
        CPPUNIT_ASSERT(returned - stopping < milliseconds(1000));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DeliveryTest);

}  // namespace relaysync::tests
