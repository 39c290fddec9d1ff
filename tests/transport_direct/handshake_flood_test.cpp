// Floods of TCP connections that never speak (no TLS, no certificate): the relay holds only
// max_handshakes of them at once (max_handshakes_per_address from one address), drops the
// oldest silent ones for newcomers, and a legitimate peer still connects and delivers, within a
// bound, while the flood goes on. Its descriptors come back once the attackers are gone.

#include <atomic>
#include <thread>

#include "abuse_fixture.h"

namespace relaysync::tests {

namespace {

constexpr milliseconds kDeliveryBound{5000};  // for a peer that needs a few milliseconds alone

}  // namespace

class HandshakeFloodTest : public AbuseFixture {
    CPPUNIT_TEST_SUITE(HandshakeFloodTest);
    CPPUNIT_TEST(idleSocketsFromThePeersOwnAddressDoNotKeepItOut);
    CPPUNIT_TEST(aContinuingFloodFromManyAddressesDoesNotKeepPeersOut);
    CPPUNIT_TEST_SUITE_END();

public:
    // 200 idle sockets from 127.0.0.1, where the peer comes from too: at most 16 wait at once,
    // the rest are dropped, the peer is let in, and the warnings are summed up. (max_handshakes
    // is large here so that the kernel's listen queue, sized after it, takes all 200 at once.)
    void idleSocketsFromThePeersOwnAddressDoNotKeepItOut() {
        constexpr std::size_t kAttackers = 200;
        Node& relay = startNode("relay-b@net",
                                limitedConfig("relay-b@net", {{"max_handshakes", "256"},
                                                              {"max_handshakes_per_address", "16"},
                                                              {"warnings_per_source", "5"},
                                                              {"warnings_window_ms", "500"}}),
                                freePort());
        const std::size_t descriptors_before = openDescriptorCount();

        std::vector<AttackSocket> attackers;
        for (std::size_t i = 0; i < kAttackers; ++i) attackers.push_back(AttackSocket::connectFrom("127.0.0.1", relay.port));
        CPPUNIT_ASSERT(allConnected(attackers, kWait));
        // Each newcomer beyond 16 pushed out the oldest: 184 are closed, 16 still wait.
        CPPUNIT_ASSERT(eventually([&] { return closedByPeer(attackers) >= kAttackers - 16; }, kWait));
        const std::size_t dropped = closedByPeer(attackers);
        const std::size_t descriptors_attacked = openDescriptorCount();

        const milliseconds took = legitimatePeerDelivers(relay, "through the flood");
        std::cout << "\n  idle flood from the peer's own address: " << kAttackers << " sockets, " << dropped
                  << " dropped by the relay (max_handshakes_per_address 16); the peer delivered in " << took.count()
                  << " ms (bound " << kDeliveryBound.count() << " ms)" << std::endl;
        CPPUNIT_ASSERT(took <= kDeliveryBound);
        CPPUNIT_ASSERT(kAttackers - dropped <= 16);

        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "dropped the connection with 127.0.0.1:", "(nothing received)",
                      "max_handshakes_per_address (16) reached for 127.0.0.1");
        // 184 drops, 5 lines: the rest are counted once the window of 500 ms is over.
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "left out", "more line(s) about 127.0.0.1 within 500 ms",
                      "(warnings_per_source: 5)");
        const auto drop_lines = log->linesWith({"dropped the connection with 127.0.0.1:"}).size();
        std::cout << "  drop lines logged: " << drop_lines << " (warnings_per_source 5 per 500 ms)" << std::endl;
        CPPUNIT_ASSERT(drop_lines < 50);

        attackers.clear();
        // The peer's connection, both ends, is all that stays.
        const std::size_t descriptors_after = descriptorsSettleAtMost(descriptors_before + 4);
        std::cout << "  descriptors of this process: " << descriptors_before << " before, " << descriptors_attacked
                  << " under attack (both ends), " << descriptors_after << " after (bound " << descriptors_before + 4
                  << ")" << std::endl;
        CPPUNIT_ASSERT(descriptors_after <= descriptors_before + 4);
    }

    // Idle sockets keep coming from 100 addresses while two peers connect: the relay never holds
    // more than max_handshakes pending, and both peers get in.
    void aContinuingFloodFromManyAddressesDoesNotKeepPeersOut() {
        Node& relay = startNode("relay-b@net",
                                limitedConfig("relay-b@net", {{"max_handshakes", "64"}, {"max_handshakes_per_address", "4"}}),
                                freePort());
        const std::size_t descriptors_before = openDescriptorCount();
        std::atomic<bool> flooding{true};
        std::atomic<std::size_t> opened{0};
        std::thread flood([&] {
            // Like an attacker that does not care: keeps the newest 300 open, one new every 2 ms.
            std::vector<AttackSocket> ring(300);
            for (std::size_t n = 0; flooding; ++n) {
                try {
                    ring[n % ring.size()] = AttackSocket::connectFrom(attackerAddress(n, 100), relay.port);
                    ++opened;
                } catch (const std::exception&) {
                }
                std::this_thread::sleep_for(milliseconds(2));  // the attack's pace, not a wait
            }
        });
        const auto started = Clock::now();
        eventually([&] { return opened >= 200; }, kWait);  // the relay is full of them by now

        const milliseconds relay_took = legitimatePeerDelivers(relay, "from a relay, through the flood");
        const auto terminal_started = Clock::now();
        Node& terminal =
            startNode("client-b@relay-b.net", tlsConfig("client-b@relay-b.net"), 0, {peerAt("relay-b@net", relay.port)});
        CPPUNIT_ASSERT(relay.listener->waitForReachability("client-b@relay-b.net", true, kWait));
        ASSERT_STATUS(sdk::StatusCode::ok, relay.transport->send("client-b@relay-b.net", "to the terminal"));
        CPPUNIT_ASSERT(terminal.listener->waitForMessages(1, kWait));
        const auto terminal_took = std::chrono::duration_cast<milliseconds>(Clock::now() - terminal_started);
        const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        const std::size_t during = opened;

        flooding = false;
        flood.join();
        const std::string peaks = stopAndReadPeaks(relay);
        const std::size_t peak_pending = numberBefore(peaks, " connections in their handshake");
        const std::size_t dropped = numberBefore(peaks, " dropped for newer ones");
        std::cout << "\n  continuing flood from 100 addresses: " << during << " idle sockets in " << seconds << " s; "
                  << dropped << " dropped for newer ones; at most " << peak_pending
                  << " pending at once (max_handshakes 64); a relay delivered in " << relay_took.count()
                  << " ms, a terminal was delivered to in " << terminal_took.count() << " ms (bound "
                  << kDeliveryBound.count() << " ms)" << std::endl;
        CPPUNIT_ASSERT(peak_pending <= 64);
        CPPUNIT_ASSERT(dropped > 0);
        CPPUNIT_ASSERT(relay_took <= kDeliveryBound);
        CPPUNIT_ASSERT(terminal_took <= kDeliveryBound);
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "dropped the connection with 127.0.0.", "max_handshakes (64) reached");

        for (auto& node : nodes) node->transport.reset();
        const std::size_t descriptors_after = descriptorsSettleAtMost(descriptors_before);
        std::cout << "  descriptors of this process: " << descriptors_before << " before, " << descriptors_after
                  << " after every node stopped and the flood closed" << std::endl;
        CPPUNIT_ASSERT(descriptors_after <= descriptors_before);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HandshakeFloodTest);

}  // namespace relaysync::tests
