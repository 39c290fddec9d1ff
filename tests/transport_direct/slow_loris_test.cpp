// Slow-loris: sockets that dribble a TLS ClientHello a byte at a time, and authenticated clients
// that dribble their HELLO. Each is cut off within connect_timeout_ms whatever it sends, they
// never hold more than max_handshakes places, and a legitimate peer gets in meanwhile. Past
// HELLO, a client that trickles a large frame is cut off within frame_timeout_ms.

#include <map>

#include "abuse_fixture.h"

namespace relaysync::tests {

namespace {

constexpr milliseconds kConnectTimeout{1500};
constexpr milliseconds kMargin{1000};  // for a loaded machine: poll rounds, scheduling
constexpr milliseconds kDribble{50};

}  // namespace

class SlowLorisTest : public AbuseFixture {
    CPPUNIT_TEST_SUITE(SlowLorisTest);
    CPPUNIT_TEST(dribbledTlsHellosAreCutOffInTimeAndDoNotKeepAPeerOut);
    CPPUNIT_TEST(aDribbledHelloFromAnAuthenticatedClientIsCutOffInTime);
    CPPUNIT_TEST(aTrickledFrameIsCutOffWithinFrameTimeout);
    CPPUNIT_TEST_SUITE_END();

    Node& relayWithShortHandshakes(const std::string& max_handshakes) {
        return startNode("relay-b@net",
                         limitedConfig("relay-b@net", {{"connect_timeout_ms", std::to_string(kConnectTimeout.count())},
                                                       {"max_handshakes", max_handshakes},
                                                       {"max_handshakes_per_address", max_handshakes}}),
                         freePort());
    }

public:
    // 40 sockets from 8 addresses send a real ClientHello one byte every 50 ms (it would take
    // them over 10 s); the relay holds at most 16, cuts every one off within connect_timeout_ms,
    // and relay-a, connecting in the middle of it, delivers.
    void dribbledTlsHellosAreCutOffInTimeAndDoNotKeepAPeerOut() {
        constexpr std::size_t kLorises = 40;
        Node& relay = relayWithShortHandshakes("16");
        const std::string hello = tlsClientHello();
        const std::size_t descriptors_before = openDescriptorCount();

        struct Loris {
            AttackSocket socket;
            Clock::time_point opened;
            std::size_t sent = 0;
            std::optional<milliseconds> lived;  // until the relay closed it
        };
        std::vector<Loris> lorises(kLorises);
        for (std::size_t i = 0; i < kLorises; ++i) {
            lorises[i].socket = AttackSocket::connectFrom(attackerAddress(i, 8), relay.port);
            lorises[i].opened = Clock::now();
        }
        std::optional<milliseconds> peer_took;
        std::thread peer([&] { peer_took = legitimatePeerDelivers(relay, "past the lorises"); });
        const auto deadline = Clock::now() + kConnectTimeout + kMargin + kMargin;
        std::size_t cut_off = 0;
        while (cut_off < kLorises && Clock::now() < deadline) {
            for (auto& loris : lorises) {
                if (loris.lived) continue;
                if (loris.socket.closedByPeer()) {
                    loris.lived = std::chrono::duration_cast<milliseconds>(Clock::now() - loris.opened);
                    ++cut_off;
                } else if (loris.sent < hello.size() && loris.socket.trySend(hello.substr(loris.sent, 1))) {
                    ++loris.sent;
                }
            }
            std::this_thread::sleep_for(kDribble);  // the attack's pace; the loop ends on its deadline
        }
        peer.join();

        milliseconds longest{0};
        std::size_t most_sent = 0;
        for (const auto& loris : lorises) {
            longest = std::max(longest, loris.lived.value_or(milliseconds::max()));
            most_sent = std::max(most_sent, loris.sent);
        }
        const std::string peaks = stopAndReadPeaks(relay);
        std::cout << "\n  slow-loris TLS: " << kLorises << " sockets dribbling a " << hello.size()
                  << "-byte ClientHello, one byte per " << kDribble.count() << " ms; " << cut_off
                  << " cut off, the longest lived " << longest.count() << " ms (bound "
                  << (kConnectTimeout + kMargin).count() << "), at most " << most_sent << " bytes sent; "
                  << numberBefore(peaks, " connections in their handshake") << " pending at once (max 16), "
                  << numberBefore(peaks, " dropped for newer ones") << " dropped for newer ones, "
                  << numberBefore(peaks, " past connect_timeout_ms") << " past connect_timeout_ms; the peer delivered in "
                  << (peer_took ? peer_took->count() : -1) << " ms" << std::endl;
        CPPUNIT_ASSERT_EQUAL(kLorises, cut_off);
        CPPUNIT_ASSERT(longest <= kConnectTimeout + kMargin);
        CPPUNIT_ASSERT(most_sent < hello.size());
        CPPUNIT_ASSERT(numberBefore(peaks, " connections in their handshake") <= 16);
        CPPUNIT_ASSERT(peer_took && *peer_took <= kConnectTimeout + kMargin);
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused the connection with 127.0.0.",
                      "no TLS handshake within connect_timeout_ms (1500 ms)");

        lorises.clear();
        for (auto& node : nodes) node->transport.reset();
        const std::size_t descriptors_after = descriptorsSettleAtMost(descriptors_before);
        std::cout << "  descriptors of this process: " << descriptors_before << " before, " << descriptors_after
                  << " after" << std::endl;
        CPPUNIT_ASSERT(descriptors_after <= descriptors_before);
    }

    // Clients with a valid certificate finish TLS, then send their HELLO a byte every 50 ms:
    // cut off within connect_timeout_ms, never established.
    void aDribbledHelloFromAnAuthenticatedClientIsCutOffInTime() {
        constexpr std::size_t kClients = 6;
        Node& relay = relayWithShortHandshakes("16");
        const std::string hello = wireFrame(WireType::hello, "client-b@relay-b.net");
        std::vector<RawClient> clients;
        std::vector<Clock::time_point> opened;
        for (std::size_t i = 0; i < kClients; ++i) {
            clients.push_back(RawClient::tls(relay.port, certs().certificate("client-b@relay-b.net"),
                                             certs().key("client-b@relay-b.net")));
            opened.push_back(Clock::now());
        }
        std::vector<std::optional<milliseconds>> lived(kClients);
        std::size_t sent = 0;
        std::size_t cut_off = 0;
        const auto deadline = Clock::now() + kConnectTimeout + kMargin + kMargin;
        while (cut_off < kClients && Clock::now() < deadline) {
            for (std::size_t i = 0; i < kClients; ++i) {
                if (lived[i]) continue;
                bool closed = false;
                try {
                    if (sent + 1 < hello.size()) clients[i].send(hello.substr(sent, 1));  // never the last byte
                    closed = clients[i].closedWithin(milliseconds(1));
                } catch (const std::exception&) {
                    closed = true;
                }
                if (closed) {
                    lived[i] = std::chrono::duration_cast<milliseconds>(Clock::now() - opened[i]);
                    ++cut_off;
                }
            }
            ++sent;
            std::this_thread::sleep_for(kDribble);  // the attack's pace; the loop ends on its deadline
        }
        milliseconds longest{0};
        for (const auto& each : lived) longest = std::max(longest, each.value_or(milliseconds::max()));
        std::cout << "\n  slow-loris HELLO: " << kClients << " authenticated clients dribbling a " << hello.size()
                  << "-byte HELLO; " << cut_off << " cut off, the longest lived " << longest.count() << " ms (bound "
                  << (kConnectTimeout + kMargin).count() << " ms)" << std::endl;
        CPPUNIT_ASSERT_EQUAL(kClients, cut_off);
        CPPUNIT_ASSERT(longest <= kConnectTimeout + kMargin);
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused the connection with 127.0.0.1:",
                      "no HELLO within connect_timeout_ms (1500 ms)");
        CPPUNIT_ASSERT(relay.listener->reachabilityEvents().empty());
    }

    // An established client starts a MESSAGE of 512 KiB and sends the rest 100 bytes every
    // 50 ms (it would take minutes; every byte keeps the connection from falling silent): cut
    // off within frame_timeout_ms, logged naming it, and relay-a delivers meanwhile.
    void aTrickledFrameIsCutOffWithinFrameTimeout() {
        constexpr milliseconds kFrameTimeout{1500};
        Node& relay = startNode(
            "relay-b@net",
            limitedConfig("relay-b@net", {{"frame_timeout_ms", std::to_string(kFrameTimeout.count())}}), freePort());
        auto client = greeted("client-b@relay-b.net", relay.port);
        const std::string frame = wireMessage(1, std::string(512 * 1024, 'x'));
        std::size_t sent = 64 * 1024;
        client.send(frame.substr(0, sent));  // the header and a good start
        const auto started = Clock::now();
        std::optional<milliseconds> peer_took;
        std::thread peer([&] { peer_took = legitimatePeerDelivers(relay, "past the trickle"); });
        bool closed = false;
        while (!closed && Clock::now() < started + kFrameTimeout + kMargin) {
            try {
                client.send(frame.substr(sent, 100));
                sent += 100;
                closed = client.closedWithin(kDribble);  // the attack's pace, until the relay ends it
            } catch (const std::exception&) {
                closed = true;
            }
        }
        const auto lived = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
        peer.join();
        std::cout << "\n  trickled frame: " << sent << " of " << frame.size() << " bytes sent, cut off after "
                  << lived.count() << " ms (frame_timeout_ms " << kFrameTimeout.count() << "); the peer delivered in "
                  << (peer_took ? peer_took->count() : -1) << " ms" << std::endl;
        CPPUNIT_ASSERT(closed);
        CPPUNIT_ASSERT(lived <= kFrameTimeout + kMargin);
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused the connection with client-b@relay-b.net from 127.0.0.1:",
                      "a frame of " + std::to_string(frame.size()) + " bytes did not arrive within frame_timeout_ms (1500 ms)");
        CPPUNIT_ASSERT(peer_took.has_value());
        for (const auto& message : relay.listener->messages()) CPPUNIT_ASSERT_EQUAL(std::string("relay-a@net"), message.from);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SlowLorisTest);

}  // namespace relaysync::tests
