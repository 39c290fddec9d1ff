// Registration at a real Kamailio: wrong credentials, peers that are not registered, and a
// server restart.

#include "sip_fixture.h"

namespace relaysync::tests {

class SipRegistrationTest : public SipFixture {
    CPPUNIT_TEST_SUITE(SipRegistrationTest);
    CPPUNIT_TEST(testWrongPasswordIsRefusedAndLoggedWithoutIt);
    CPPUNIT_TEST(testUnregisteredPeerIsUnreachable);
    CPPUNIT_TEST(testReregistersAfterKamailioRestart);
    CPPUNIT_TEST(testOptionsProbesTellWhoIsThere);
    CPPUNIT_TEST_SUITE_END();

public:
    void testWrongPasswordIsRefusedAndLoggedWithoutIt() {
        auto config = configFor(kRelay1);
        config["password"] = "Wrong-Secret-42";
        std::string error;
        auto transport = create(config, &error);
        CPPUNIT_ASSERT_MESSAGE(error, transport != nullptr);
        RecordingListener listener;
        const sdk::Status started = transport->start(kRelay1, listener);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(started.toString(), sdk::StatusCode::permission_denied, started.code());
        CPPUNIT_ASSERT(started.message().find("refused the credentials of " + kRelay1) != std::string::npos);
        bool logged = false;
        for (const auto& line : log->lines()) {
            CPPUNIT_ASSERT_MESSAGE(line, line.find("Wrong-Secret-42") == std::string::npos);
            logged = logged || line.find("refused the credentials of " + kRelay1) != std::string::npos;
        }
        CPPUNIT_ASSERT_MESSAGE(log->text(), logged);
        CPPUNIT_ASSERT(started.message().find("Wrong-Secret-42") == std::string::npos);
    }

    void testUnregisteredPeerIsUnreachable() {
        Node& a = startNode(kRelay1);
        CPPUNIT_ASSERT(a.transport->reachability(kRelay3) == sdk::Reachability::unknown);
        const sdk::Status sent = a.transport->send(kRelay3, "anyone there?");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(sent.toString(), sdk::StatusCode::unreachable, sent.code());
        CPPUNIT_ASSERT(sent.message().find("404") != std::string::npos);
        CPPUNIT_ASSERT(a.transport->reachability(kRelay3) == sdk::Reachability::unreachable);
        CPPUNIT_ASSERT(a.listener->waitForReachability(kRelay3, false, kWait));
    }

    void testReregistersAfterKamailioRestart() {
        Node& a = startNode(kRelay1);
        Node& b = startNode(kRelay2);
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, a.transport->send(kRelay2, "before").code());
        server->stop();
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::unreachable, a.transport->send(kRelay2, "while down").code());
        server->start();
        CPPUNIT_ASSERT_MESSAGE(log->text(), deliveredEventually(a, b, "after", kWait));
        CPPUNIT_ASSERT_MESSAGE(log->text(), deliveredEventually(b, a, "after, back", kWait));
        CPPUNIT_ASSERT_EQUAL(std::string("after"), b.listener->messages().back().payload);
    }

    // Before anything is sent, OPTIONS through Kamailio tells a relay which peers are
    // registered; a peer that goes is seen gone at the next round.
    void testOptionsProbesTellWhoIsThere() {
        auto probing = configFor(kRelay1);
        probing["probe_interval_ms"] = "300";
        Node& b = startNode(kRelay2);
        Node& a = startNodeWith(kRelay1, probing);
        CPPUNIT_ASSERT_MESSAGE(log->text(), a.listener->waitForReachability(kRelay2, true, kWait));
        CPPUNIT_ASSERT(a.listener->waitForReachability(kRelay3, false, kWait));
        CPPUNIT_ASSERT(a.transport->reachability(kRelay2) == sdk::Reachability::reachable);
        CPPUNIT_ASSERT(a.transport->reachability(kRelay3) == sdk::Reachability::unreachable);
        CPPUNIT_ASSERT(b.listener->messages().empty());  // probes are not messages
        b.transport->stop();
        CPPUNIT_ASSERT_MESSAGE(log->text(), a.listener->waitForReachability(kRelay2, false, kWait));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SipRegistrationTest);

}  // namespace relaysync::tests
