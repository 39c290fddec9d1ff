// Plaintext mode: no TLS and accounts taken on trust. It works, and says loudly that it is
// unprotected.

#include "direct_fixture.h"

namespace relaysync::tests {

class PlaintextTest : public DirectFixture {
    CPPUNIT_TEST_SUITE(PlaintextTest);
    CPPUNIT_TEST(plaintextNodesExchangeMessagesAndWarn);
    CPPUNIT_TEST(tlsNodesSayTheyUseTls);
    CPPUNIT_TEST_SUITE_END();

public:
    void plaintextNodesExchangeMessagesAndWarn() {
        const std::uint16_t b_port = freePort();
        Node& b = startNode("relay-b@net", plaintextConfig(), b_port);
        Node& a = startNode("relay-a@net", plaintextConfig(), 0, {peerAt("relay-b@net", b_port)});
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "relay-b@net", "UNENCRYPTED AND UNAUTHENTICATED");
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "relay-a@net", "UNENCRYPTED AND UNAUTHENTICATED");

        ASSERT_STATUS(sdk::StatusCode::ok, a.transport->send("relay-b@net", "in the clear"));
        CPPUNIT_ASSERT(b.listener->waitForReachability("relay-a@net", true, kWait));
        ASSERT_STATUS(sdk::StatusCode::ok, b.transport->send("relay-a@net", "likewise"));
        CPPUNIT_ASSERT_EQUAL(std::string("relay-a@net"), b.listener->messages().at(0).from);
        CPPUNIT_ASSERT_EQUAL(std::string("relay-b@net"), a.listener->messages().at(0).from);
    }

    void tlsNodesSayTheyUseTls() {
        startNode("relay-a@net", tlsConfig("relay-a@net"), freePort());
        ASSERT_LOGGED(Poco::Message::PRIO_INFORMATION, "relay-a@net", "TLS with certificate");
        CPPUNIT_ASSERT(!log->contains({"UNENCRYPTED"}));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PlaintextTest);

}  // namespace relaysync::tests
