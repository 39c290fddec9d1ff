// Two relays registered at a real Kamailio exchange MESSAGEs through it; send() is ok only once
// the receiver's listener took the message.

#include "sip_fixture.h"

namespace relaysync::tests {

class SipDeliveryTest : public SipFixture {
    CPPUNIT_TEST_SUITE(SipDeliveryTest);
    CPPUNIT_TEST(testMessageEachWayAfterDigestRegistration);
    CPPUNIT_TEST(testOkOnlyAfterTheListenerReturned);
    CPPUNIT_TEST(testRefusedByTheListenerIsNotOk);
    CPPUNIT_TEST(testLargestPayloadPassesKamailio);
    CPPUNIT_TEST_SUITE_END();

public:
    void testMessageEachWayAfterDigestRegistration() {
        Node& a = startNode(kRelay1);
        Node& b = startNode(kRelay2);
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, a.transport->send(kRelay2, R"({"hello":"b"})").code());
        // ok means taken: the message is there the moment send() returns.
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.listener->messages().size());
        const Received got = b.listener->messages().front();
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"hello":"b"})"), got.payload);
        CPPUNIT_ASSERT_EQUAL(kRelay1, got.identity.account);
        CPPUNIT_ASSERT(got.identity.role == sdk::PeerRole::relay);

        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, b.transport->send(kRelay1, "back to a").code());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.listener->messages().size());
        CPPUNIT_ASSERT_EQUAL(kRelay2, a.listener->messages().front().from);
        CPPUNIT_ASSERT(a.transport->reachability(kRelay2) == sdk::Reachability::reachable);
        CPPUNIT_ASSERT(a.listener->waitForReachability(kRelay2, true, kWait));
        const auto registered = [&](const std::string& account) {
            for (const auto& line : log->lines())
                if (line.find("registered " + account) != std::string::npos) return true;
            return false;
        };
        CPPUNIT_ASSERT_MESSAGE(log->text(), registered(kRelay1) && registered(kRelay2));
    }

    void testOkOnlyAfterTheListenerReturned() {
        Node& a = startNode(kRelay1);
        Node& b = startNode(kRelay2);
        b.listener->setDelay(milliseconds(700));
        const auto before = Clock::now();
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, a.transport->send(kRelay2, "slow").code());
        const auto returned = Clock::now();
        CPPUNIT_ASSERT(returned - before >= milliseconds(700));
        CPPUNIT_ASSERT(b.listener->lastReturn() <= returned);
    }

    void testRefusedByTheListenerIsNotOk() {
        Node& a = startNode(kRelay1);
        Node& b = startNode(kRelay2);
        b.listener->refuseNext(1);
        const sdk::Status refused = a.transport->send(kRelay2, "not stored");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.toString(), sdk::StatusCode::unreachable, refused.code());
        CPPUNIT_ASSERT(refused.message().find("500") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, a.transport->send(kRelay2, "stored").code());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.listener->messages().size());
    }

    void testLargestPayloadPassesKamailio() {
        Node& a = startNode(kRelay1);
        Node& b = startNode(kRelay2);
        const std::size_t max = a.transport->maxPayloadBytes();
        CPPUNIT_ASSERT_EQUAL(std::size_t(60000), max);
        const sdk::Status too_big = a.transport->send(kRelay2, std::string(max + 1, 'x'));
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::invalid_argument, too_big.code());
        const sdk::Status largest = a.transport->send(kRelay2, std::string(max, 'y'));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(largest.toString() + "\n" + server->log(), sdk::StatusCode::ok, largest.code());
        CPPUNIT_ASSERT_EQUAL(max, b.listener->messages().at(0).payload.size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SipDeliveryTest);

}  // namespace relaysync::tests
