// Kamailio restarted during a run (issue 9): a send() started while the server is down waits for
// the registration instead of failing, and once the server is back and both relays have
// registered again it is delivered, within transaction_timeout_ms. (registration_test.cpp covers
// a send that gives up while the server stays down and messages sent after the restart.)

#include <future>

#include "sip_fixture.h"

namespace relaysync::tests {

class SipRestartTest : public SipFixture {
    CPPUNIT_TEST_SUITE(SipRestartTest);
    CPPUNIT_TEST(testSendStartedWhileKamailioIsDownIsDeliveredOnceItIsBack);
    CPPUNIT_TEST_SUITE_END();

public:
    void testSendStartedWhileKamailioIsDownIsDeliveredOnceItIsBack() {
        // The sender retries its connection every 2 s, the receiver every 100 ms: the restart is
        // timed just after one of the sender's failed attempts, so the receiver has registered
        // again (~0.2 s) well before the sender's next attempt and the MESSAGE does not meet a 404.
        auto sender_config = configFor(kRelay1);
        sender_config["reconnect_initial_ms"] = sender_config["reconnect_max_ms"] = "2000";
        sender_config["transaction_timeout_ms"] = "10000";
        auto receiver_config = configFor(kRelay2);
        receiver_config["reconnect_initial_ms"] = receiver_config["reconnect_max_ms"] = "100";
        Node& a = startNodeWith(kRelay1, sender_config);
        Node& b = startNodeWith(kRelay2, receiver_config);
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, a.transport->send(kRelay2, "before").code());

        server->stop();
        // Both have seen the connection go (B knows A from the message it received).
        CPPUNIT_ASSERT(a.listener->waitForReachability(kRelay2, false, kWait));
        CPPUNIT_ASSERT(b.listener->waitForReachability(kRelay1, false, kWait));
        const auto started = Clock::now();
        auto pending = std::async(std::launch::async, [&] { return a.transport->send(kRelay2, "sent while down"); });
        CPPUNIT_ASSERT_MESSAGE(log->text(), eventually([&] { return senderFailedToConnect(); }, kWait));
        CPPUNIT_ASSERT_MESSAGE("send() gave up while the server was down",
                               pending.wait_for(milliseconds(0)) == std::future_status::timeout);

        server->start();
        const sdk::Status sent = pending.get();
        const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(sent.toString() + "\nlog:\n" + log->text(), sdk::StatusCode::ok, sent.code());
        CPPUNIT_ASSERT_MESSAGE(std::to_string(took.count()) + " ms", took < milliseconds(10'000));
        CPPUNIT_ASSERT_EQUAL(std::string("sent while down"), b.listener->messages().back().payload);
        CPPUNIT_ASSERT(a.transport->reachability(kRelay2) == sdk::Reachability::reachable);
        // And the other way, over B's new registration.
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, b.transport->send(kRelay1, "back").code());
        CPPUNIT_ASSERT_EQUAL(std::string("back"), a.listener->messages().back().payload);
    }

private:
    // The sender's own reconnect delay (2000 ms) tells its log line from the receiver's.
    bool senderFailedToConnect() const {
        for (const auto& line : log->lines())
            if (line.find("cannot connect to the SIP server") != std::string::npos &&
                line.find("trying again in 2000 ms") != std::string::npos)
                return true;
        return false;
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SipRestartTest);

}  // namespace relaysync::tests
