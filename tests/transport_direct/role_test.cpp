// Roles: a certificate says whether it is a relay's or a terminal's, and which relay a terminal
// belongs to. The transport passes that to core with every message, and refuses at the
// handshake what no message could make right: a terminal at another relay, a terminal's
// relay that is not its own, a certificate that names no role.

#include <Poco/Exception.h>

#include "direct_fixture.h"
#include "raw_client.h"

namespace relaysync::tests {

class RoleTest : public DirectFixture {
    CPPUNIT_TEST_SUITE(RoleTest);
    CPPUNIT_TEST(messagesCarryTheRoleTheCertificateProves);
    CPPUNIT_TEST(aTerminalOfAnotherRelayIsRefused);
    CPPUNIT_TEST(aTerminalTakesOnlyItsOwnRelay);
    CPPUNIT_TEST(aPeerCertificateWithoutARoleIsRefused);
    CPPUNIT_TEST(anOwnCertificateWithoutARoleIsAConfigError);
    CPPUNIT_TEST_SUITE_END();

public:
    void messagesCarryTheRoleTheCertificateProves() {
        const std::uint16_t relay_port = freePort();
        Node& relay = startNode("relay-a@net", tlsConfig("relay-a@net"), relay_port);
        Node& terminal = startNode("client-a@relay-a.net", tlsConfig("client-a@relay-a.net"), 0,
                                   {peerAt("relay-a@net", relay_port)});
        Node& other = startNode("relay-b@net", tlsConfig("relay-b@net"), 0, {peerAt("relay-a@net", relay_port)});
        CPPUNIT_ASSERT(relay.listener->waitForReachability("client-a@relay-a.net", true, kWait));
        CPPUNIT_ASSERT(relay.listener->waitForReachability("relay-b@net", true, kWait));

        ASSERT_STATUS(sdk::StatusCode::ok, terminal.transport->send("relay-a@net", "from the terminal"));
        ASSERT_STATUS(sdk::StatusCode::ok, other.transport->send("relay-a@net", "from the relay"));
        ASSERT_STATUS(sdk::StatusCode::ok, relay.transport->send("client-a@relay-a.net", "to the terminal"));
        CPPUNIT_ASSERT(relay.listener->waitForMessages(2, kWait));
        CPPUNIT_ASSERT(terminal.listener->waitForMessages(1, kWait));
        for (const auto& received : relay.listener->messages()) {
            if (received.from == "client-a@relay-a.net") {
                CPPUNIT_ASSERT(received.identity.role == sdk::PeerRole::terminal);
                CPPUNIT_ASSERT_EQUAL(std::string("relay-a@net"), received.identity.home_relay);
            } else {
                CPPUNIT_ASSERT_EQUAL(std::string("relay-b@net"), received.from);
                CPPUNIT_ASSERT(received.identity.role == sdk::PeerRole::relay);
                CPPUNIT_ASSERT(received.identity.home_relay.empty());
            }
        }
        CPPUNIT_ASSERT(terminal.listener->messages().at(0).identity.role == sdk::PeerRole::relay);
    }

    void aTerminalOfAnotherRelayIsRefused() {
        const std::uint16_t port = freePort();
        Node& a = startNode("relay-a@net", tlsConfig("relay-a@net"), port);
        // client-b belongs to relay-b; it tries relay-a, with a valid certificate.
        Node& intruder = startNode("client-b@relay-b.net", tlsConfig("client-b@relay-b.net"), 0,
                                   {peerAt("relay-a@net", port)});
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused", "client-b@relay-b.net is a terminal of relay-b@net",
                      "not of this relay");
        ASSERT_STATUS(sdk::StatusCode::unreachable, intruder.transport->send("relay-a@net", "let me in"));
        CPPUNIT_ASSERT(a.listener->messages().empty());
        CPPUNIT_ASSERT(a.listener->reachabilityEvents().empty());
    }

    void aTerminalTakesOnlyItsOwnRelay() {
        const std::uint16_t port = freePort();
        Node& terminal = startNode("client-a@relay-a.net", tlsConfig("client-a@relay-a.net"), port);
        bool refused = false;
        try {
            auto client = RawClient::tls(port, certs().certificate("relay-c@net"), certs().key("relay-c@net"));
            client.send(wireFrame(WireType::hello, "relay-c@net"));
            refused = client.closedWithin(kWait);
        } catch (const Poco::Exception&) {
            refused = true;
        }
        CPPUNIT_ASSERT(refused);
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused", "relay-c@net is not this terminal's relay relay-a@net");
        CPPUNIT_ASSERT(terminal.listener->messages().empty());
        CPPUNIT_ASSERT(terminal.listener->reachabilityEvents().empty());
    }

    void aPeerCertificateWithoutARoleIsRefused() {
        const std::uint16_t port = freePort();
        Node& b = startNode("relay-b@net", tlsConfig("relay-b@net"), port);
        bool refused = false;
        try {
            auto client = RawClient::tls(port, certs().certificate("legacy@net"), certs().key("legacy@net"));
            client.send(wireFrame(WireType::hello, "legacy@net"));
            refused = client.closedWithin(kWait);
        } catch (const Poco::Exception&) {
            refused = true;
        }
        CPPUNIT_ASSERT(refused);
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused", "legacy@net", "names no relaysync role");
        CPPUNIT_ASSERT(b.listener->reachabilityEvents().empty());
    }

    void anOwnCertificateWithoutARoleIsAConfigError() {
        std::string error;
        CPPUNIT_ASSERT(!create(tlsConfig("legacy@net"), &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("certificate") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(error, error.find("names no relaysync role") != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RoleTest);

}  // namespace relaysync::tests
