// Who can be reached: listed peers are dialed at start and kept connected; a peer that is down
// makes send() fail fast with unreachable; the listener hears when a peer comes and goes.

#include <atomic>
#include <thread>

#include "direct_fixture.h"
#include "raw_client.h"

namespace relaysync::tests {

class ReachabilityTest : public DirectFixture {
    CPPUNIT_TEST_SUITE(ReachabilityTest);
    CPPUNIT_TEST(aPeerThatIsNotRunningIsUnreachableQuickly);
    CPPUNIT_TEST(aPeerStartedLaterIsDialedAndReported);
    CPPUNIT_TEST(aStoppedPeerIsReportedAndRedialedWhenBack);
    CPPUNIT_TEST(stopEndsEveryListenerCall);
    CPPUNIT_TEST(aSilentConnectionIsClosed);
    CPPUNIT_TEST_SUITE_END();

public:
    void aPeerThatIsNotRunningIsUnreachableQuickly() {
        const std::uint16_t nobody = freePort();
        Node& a = startNode("relay-a@net", tlsConfig("relay-a@net"), 0, {peerAt("relay-b@net", nobody)});

        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::unreachable, a.transport->reachability("relay-b@net"));
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::unreachable, a.transport->reachability("relay-c@net"));

        auto before = Clock::now();
        const sdk::Status status = a.transport->send("relay-b@net", "anyone?");
        ASSERT_STATUS(sdk::StatusCode::unreachable, status);
        CPPUNIT_ASSERT_MESSAGE(status.message(), status.message().find("relay-b@net") != std::string::npos);
        CPPUNIT_ASSERT(Clock::now() - before < milliseconds(1000));

        before = Clock::now();
        ASSERT_STATUS(sdk::StatusCode::unreachable, a.transport->send("relay-c@net", "not a listed peer"));
        CPPUNIT_ASSERT(Clock::now() - before < milliseconds(100));
        ASSERT_LOGGED(Poco::Message::PRIO_INFORMATION, "cannot connect to relay-b@net");
        CPPUNIT_ASSERT(a.listener->reachabilityEvents().empty());
    }

    void aPeerStartedLaterIsDialedAndReported() {
        const std::uint16_t b_port = freePort();
        Node& a = startNode("relay-a@net", tlsConfig("relay-a@net"), 0, {peerAt("relay-b@net", b_port)});
        // Several failed dials ("cannot connect", then "still cannot connect"): backoff at its maximum.
        CPPUNIT_ASSERT(eventually([&] { return log->linesWith({"cannot connect to relay-b@net"}).size() >= 4; }, kWait));
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::unreachable, a.transport->reachability("relay-b@net"));

        Node& b = startNode("relay-b@net", tlsConfig("relay-b@net"), b_port);
        CPPUNIT_ASSERT(a.listener->waitForReachability("relay-b@net", true, kWait));
        CPPUNIT_ASSERT(b.listener->waitForReachability("relay-a@net", true, kWait));
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::reachable, a.transport->reachability("relay-b@net"));
        ASSERT_STATUS(sdk::StatusCode::ok, a.transport->send("relay-b@net", "hello, late riser"));
        ASSERT_STATUS(sdk::StatusCode::ok, b.transport->send("relay-a@net", "hello back"));
    }

    void aStoppedPeerIsReportedAndRedialedWhenBack() {
        const std::uint16_t b_port = freePort();
        Node& a = startNode("relay-a@net", tlsConfig("relay-a@net"), 0, {peerAt("relay-b@net", b_port)});
        Node& b = startNode("relay-b@net", tlsConfig("relay-b@net"), b_port);
        CPPUNIT_ASSERT(a.listener->waitForReachability("relay-b@net", true, kWait));

        b.transport->stop();
        CPPUNIT_ASSERT(a.listener->waitForReachability("relay-b@net", false, kWait));
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::unreachable, a.transport->reachability("relay-b@net"));
        ASSERT_STATUS(sdk::StatusCode::unreachable, a.transport->send("relay-b@net", "gone?"));

        Node& again = startNode("relay-b@net", tlsConfig("relay-b@net"), b_port);
        CPPUNIT_ASSERT(a.listener->waitForReachability("relay-b@net", true, kWait));
        ASSERT_STATUS(sdk::StatusCode::ok, a.transport->send("relay-b@net", "welcome back"));
        CPPUNIT_ASSERT(again.listener->waitForMessages(1, kWait));
        const auto events = a.listener->reachabilityEvents();
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), events.size());  // true, false, true: no duplicates
    }

    void stopEndsEveryListenerCall() {
        const std::uint16_t b_port = freePort();
        Node& a = startNode("relay-a@net", tlsConfig("relay-a@net"), 0, {peerAt("relay-b@net", b_port)});
        Node& b = startNode("relay-b@net", tlsConfig("relay-b@net"), b_port);
        CPPUNIT_ASSERT(b.listener->waitForReachability("relay-a@net", true, kWait));
        b.listener->setDelay(milliseconds(50));
        std::atomic<bool> sending{true};
        std::atomic<std::size_t> attempts{0};
        std::thread sender([&] {
            while (sending) {
                (void)a.transport->send("relay-b@net", "busy");
                ++attempts;
            }
        });
        CPPUNIT_ASSERT(b.listener->waitForMessages(2, kWait));  // deliveries under way
        b.transport->stop();
        const std::size_t calls = b.listener->callCount();
        // a keeps trying (and failing) to send: b's listener must hear nothing more meanwhile.
        const std::size_t attempts_at_stop = attempts;
        const bool kept_trying = eventually([&] { return attempts >= attempts_at_stop + 3; }, kWait);
        sending = false;
        sender.join();
        CPPUNIT_ASSERT(kept_trying);
        CPPUNIT_ASSERT_EQUAL(calls, b.listener->callCount());
        ASSERT_STATUS(sdk::StatusCode::unreachable, b.transport->send("relay-a@net", "after stop"));
    }

    void aSilentConnectionIsClosed() {
        auto config = tlsConfig("relay-b@net");
        config["keepalive_ms"] = "100";
        const std::uint16_t b_port = freePort();
        Node& b = startNode("relay-b@net", config, b_port);
        auto client = RawClient::tls(b_port, certs().certificate("relay-a@net"), certs().key("relay-a@net"));
        client.send(wireFrame(WireType::hello, "relay-a@net"));
        CPPUNIT_ASSERT(b.listener->waitForReachability("relay-a@net", true, kWait));
        // The client answers nothing, not even the PINGs: 3 x keepalive_ms later it is closed.
        CPPUNIT_ASSERT(client.closedWithin(milliseconds(3000)));
        CPPUNIT_ASSERT(b.listener->waitForReachability("relay-a@net", false, kWait));
        ASSERT_LOGGED(Poco::Message::PRIO_INFORMATION, "relay-a@net", "nothing received");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReachabilityTest);

}  // namespace relaysync::tests
