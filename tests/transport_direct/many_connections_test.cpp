// Many authenticated connections cost no thread each: the transport runs acceptor, supervisor,
// notifier, the I/O thread and delivery_threads however many peers connect, and messages still
// flow both ways.

#include <future>

#include "abuse_fixture.h"

namespace relaysync::tests {

namespace {

// relay-b@net accepts relays and its own terminals.
const std::vector<std::string> kAccounts = {"relay-a@net", "relay-c@net", "client-b@relay-b.net"};

}  // namespace

class ManyConnectionsTest : public AbuseFixture {
    CPPUNIT_TEST_SUITE(ManyConnectionsTest);
    CPPUNIT_TEST(threadsStayFewWhateverTheNumberOfConnections);
    CPPUNIT_TEST_SUITE_END();

    // Reads frames (the relay's HELLO, PINGs) until the next of `type`; its body, or nothing.
    static std::optional<std::string> next(RawClient& client, WireType type) {
        for (auto frame = client.readFrame(kWait); frame; frame = client.readFrame(kWait))
            if (frame->first == static_cast<std::uint8_t>(type)) return frame->second;
        return std::nullopt;
    }

public:
    void threadsStayFewWhateverTheNumberOfConnections() {
        constexpr std::size_t kConnections = 100;
        constexpr std::size_t kDeliveryThreads = 4;
        const std::size_t threads_before = threadCount();
        Node& relay = startNode("relay-b@net",
                                limitedConfig("relay-b@net", {{"max_connections_per_account", "64"},
                                                              {"delivery_threads", std::to_string(kDeliveryThreads)},
                                                              {"warnings_per_source", "1000"}}),
                                freePort());
        const std::size_t idle_threads = threadCount() - threads_before;

        std::vector<RawClient> clients;
        std::size_t most_threads = idle_threads;
        for (std::size_t i = 0; i < kConnections; ++i) {
            clients.push_back(greeted(kAccounts[i % kAccounts.size()], relay.port));
            most_threads = std::max(most_threads, threadCount() - threads_before);
        }

        // Every client sends one message and gets its ACK.
        for (std::size_t i = 0; i < kConnections; ++i) clients[i].send(wireMessage(1, "from client " + std::to_string(i)));
        CPPUNIT_ASSERT(relay.listener->waitForMessages(kConnections, kWait));
        std::size_t acknowledged = 0;
        for (auto& client : clients) acknowledged += next(client, WireType::ack) ? 1 : 0;
        most_threads = std::max(most_threads, threadCount() - threads_before);
        CPPUNIT_ASSERT_EQUAL(kConnections, acknowledged);

        // The relay reaches every account, over its newest connection.
        for (std::size_t a = 0; a < kAccounts.size(); ++a) {
            auto sent = std::async(std::launch::async, [&] { return relay.transport->send(kAccounts[a], "to " + kAccounts[a]); });
            std::size_t last = kConnections - 1;
            while (last % kAccounts.size() != a) --last;
            RawClient& newest = clients[last];
            const auto message = next(newest, WireType::message);
            CPPUNIT_ASSERT_MESSAGE(kAccounts[a], message.has_value());
            CPPUNIT_ASSERT_EQUAL("to " + kAccounts[a], message->substr(8));
            newest.send(wireFrame(WireType::ack, message->substr(0, 8)));
            ASSERT_STATUS(sdk::StatusCode::ok, sent.get());
        }

        std::cout << "\n  " << kConnections << " authenticated connections: the relay's threads were " << idle_threads
                  << " with none, at most " << most_threads << " with all of them (delivery_threads "
                  << kDeliveryThreads << ")" << std::endl;
        // Acceptor, supervisor, notifier, I/O thread, delivery pool.
        CPPUNIT_ASSERT(most_threads <= 4 + kDeliveryThreads);
        CPPUNIT_ASSERT_EQUAL(idle_threads, most_threads);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ManyConnectionsTest);

}  // namespace relaysync::tests
