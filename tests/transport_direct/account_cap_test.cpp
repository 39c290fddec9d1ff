// One account opening connection after connection: the newest replace the oldest, so it never
// holds more than max_connections_per_account, the relay keeps reaching it (over the newest),
// and no thread is started for any of them. Past max_connections a new account is refused, while an account
// already connected may still replace its own oldest connection.

#include <future>

#include "abuse_fixture.h"

namespace relaysync::tests {

class AccountCapTest : public AbuseFixture {
    CPPUNIT_TEST_SUITE(AccountCapTest);
    CPPUNIT_TEST(theNewestConnectionsOfAnAccountReplaceTheOldest);
    CPPUNIT_TEST(pastMaxConnectionsNewAccountsAreRefused);
    CPPUNIT_TEST_SUITE_END();

    // Waits for the MESSAGE the relay pushes to `client`, acknowledges it, returns its payload.
    static std::string acknowledge(RawClient& client) {
        for (auto frame = client.readFrame(kWait); frame; frame = client.readFrame(kWait)) {
            if (frame->first != static_cast<std::uint8_t>(WireType::message)) continue;  // its HELLO, a PING
            client.send(wireFrame(WireType::ack, frame->second.substr(0, 8)));
            return frame->second.substr(8);
        }
        return {};
    }

public:
    void theNewestConnectionsOfAnAccountReplaceTheOldest() {
        constexpr std::size_t kConnections = 12;
        const std::string account = "client-b@relay-b.net";
        Node& relay = startNode("relay-b@net",
                                limitedConfig("relay-b@net", {{"max_connections_per_account", "2"},
                                                              {"warnings_per_source", "100"}}),
                                freePort());
        const std::size_t threads_before = threadCount();
        std::vector<RawClient> clients;
        std::size_t most_open = 0;
        std::size_t most_threads = 0;
        for (std::size_t i = 0; i < kConnections; ++i) {
            clients.push_back(greeted(account, relay.port));
            // All but the newest two are closed by the relay.
            for (std::size_t old = 0; old + 2 < clients.size(); ++old)
                CPPUNIT_ASSERT_MESSAGE("connection " + std::to_string(old) + " still open after " + std::to_string(i + 1),
                                       clients[old].closedWithin(kWait));
            std::size_t open = 0;
            for (auto& client : clients) open += client.closedWithin(milliseconds(1)) ? 0 : 1;
            most_open = std::max(most_open, open);
            most_threads = std::max(most_threads, threadCount() - threads_before);
        }
        CPPUNIT_ASSERT(!clients[kConnections - 1].closedWithin(milliseconds(200)));
        CPPUNIT_ASSERT(!clients[kConnections - 2].closedWithin(milliseconds(200)));
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::reachable, relay.transport->reachability(account));
        // Reachable throughout: one "reachable", no "unreachable" while connections were replaced.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), relay.listener->reachabilityEvents().size());

        auto sent = std::async(std::launch::async, [&] { return relay.transport->send(account, "to the newest"); });
        CPPUNIT_ASSERT_EQUAL(std::string("to the newest"), acknowledge(clients.back()));
        ASSERT_STATUS(sdk::StatusCode::ok, sent.get());

        const auto replaced = log->linesWith({"closed the connection with " + account, "a newer one came from 127.0.0.1:",
                                              "(max_connections_per_account: 2)"});
        const std::size_t peak = numberBefore(stopAndReadPeaks(relay), " established from peers");
        std::cout << "\n  one account, " << kConnections << " connections one after another: " << replaced.size()
                  << " replaced by newer ones; at most " << most_open << " left open seen by the clients, " << peak
                  << " established at once at the relay (max_connections_per_account 2); at most " << most_threads
                  << " more threads than before (none per connection)" << std::endl;
        CPPUNIT_ASSERT_EQUAL(kConnections - 2, replaced.size());
        CPPUNIT_ASSERT(most_open <= 2);
        CPPUNIT_ASSERT(peak <= 2);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), most_threads);
    }

    void pastMaxConnectionsNewAccountsAreRefused() {
        Node& relay = startNode("relay-b@net", limitedConfig("relay-b@net", {{"max_connections", "2"}}), freePort());
        auto relay_a = greeted("relay-a@net", relay.port);
        auto relay_c = greeted("relay-c@net", relay.port);

        auto terminal = RawClient::tls(relay.port, certs().certificate("client-b@relay-b.net"),
                                       certs().key("client-b@relay-b.net"));
        terminal.send(wireFrame(WireType::hello, "client-b@relay-b.net"));
        CPPUNIT_ASSERT(terminal.closedWithin(kWait));
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused the connection with client-b@relay-b.net from 127.0.0.1:",
                      "max_connections (2) reached");
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::unreachable, relay.transport->reachability("client-b@relay-b.net"));

        // relay-a reconnects (its old connection may be dead): it replaces its own.
        auto relay_a_again = greeted("relay-a@net", relay.port);
        CPPUNIT_ASSERT(relay_a.closedWithin(kWait));
        CPPUNIT_ASSERT(!relay_c.closedWithin(milliseconds(200)));
        const std::string peaks = stopAndReadPeaks(relay);
        std::cout << "\n  max_connections 2: a third account refused, a reconnecting account replaced its own; "
                  << numberBefore(peaks, " established from peers") << " established at most" << std::endl;
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), numberBefore(peaks, " established from peers"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AccountCapTest);

}  // namespace relaysync::tests
