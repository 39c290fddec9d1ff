// Identity: a peer is the account in its certificate's CN, signed by the network's CA, and its
// HELLO must say the same. Anything else is refused, and the refusal is logged.

#include <Poco/Exception.h>

#include "direct_fixture.h"
#include "raw_client.h"

namespace relaysync::tests {

class IdentityTest : public DirectFixture {
    CPPUNIT_TEST_SUITE(IdentityTest);
    CPPUNIT_TEST(aClientCertificateFromAnotherCaIsRefused);
    CPPUNIT_TEST(aServerCertificateFromAnotherCaIsRefused);
    CPPUNIT_TEST(theWrongAccountsCertificateIsRefusedWhenDialing);
    CPPUNIT_TEST(aHelloThatIsNotTheCertificatesAccountIsRefused);
    CPPUNIT_TEST(aHelloClaimingTheNodesOwnAccountIsRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void aClientCertificateFromAnotherCaIsRefused() {
        const std::uint16_t port = freePort();
        Node& b = startNode("relay-b@net", tlsConfig("relay-b@net"), port);
        bool refused = false;
        try {
            auto client = RawClient::tls(port, certs().rogueCertificate("relay-a@net"), certs().rogueKey("relay-a@net"));
            client.send(wireFrame(WireType::hello, "relay-a@net"));
            refused = client.closedWithin(kWait);
        } catch (const Poco::Exception&) {
            refused = true;  // the handshake itself failed
        }
        CPPUNIT_ASSERT(refused);
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused", "127.0.0.1", "certificate verify failed");
        CPPUNIT_ASSERT(b.listener->reachabilityEvents().empty());
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::unreachable, b.transport->reachability("relay-a@net"));
    }

    void aServerCertificateFromAnotherCaIsRefused() {
        const std::uint16_t rogue_port = freePort();
        auto rogue_config = tlsConfig("relay-a@net");
        rogue_config["certificate"] = certs().rogueCertificate("relay-a@net");
        rogue_config["private_key"] = certs().rogueKey("relay-a@net");
        rogue_config["ca"] = certs().rogueCa();
        Node& rogue = startNode("relay-a@net", rogue_config, rogue_port);
        Node& b = startNode("relay-b@net", tlsConfig("relay-b@net"), 0, {peerAt("relay-a@net", rogue_port)});

        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused", "relay-a@net", "certificate verify failed");
        const sdk::Status status = b.transport->send("relay-a@net", "for the rogue");
        ASSERT_STATUS(sdk::StatusCode::unreachable, status);
        CPPUNIT_ASSERT(b.listener->reachabilityEvents().empty());
        CPPUNIT_ASSERT(rogue.listener->reachabilityEvents().empty());
        CPPUNIT_ASSERT(rogue.listener->messages().empty());
    }

    void theWrongAccountsCertificateIsRefusedWhenDialing() {
        const std::uint16_t port = freePort();
        Node& c = startNode("relay-c@net", tlsConfig("relay-c@net"), port);
        // relay-a believes relay-b is at relay-c's address.
        Node& a = startNode("relay-a@net", tlsConfig("relay-a@net"), 0, {peerAt("relay-b@net", port)});

        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "dialed relay-b@net but its certificate is for relay-c@net");
        ASSERT_STATUS(sdk::StatusCode::unreachable, a.transport->send("relay-b@net", "are you b?"));
        CPPUNIT_ASSERT(c.listener->messages().empty());
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::unreachable, a.transport->reachability("relay-b@net"));
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::unreachable, a.transport->reachability("relay-c@net"));
    }

    void aHelloThatIsNotTheCertificatesAccountIsRefused() {
        const std::uint16_t port = freePort();
        Node& b = startNode("relay-b@net", tlsConfig("relay-b@net"), port);
        auto client = RawClient::tls(port, certs().certificate("client-b@relay-b.net"), certs().key("client-b@relay-b.net"));
        const auto hello = client.readFrame(kWait);
        CPPUNIT_ASSERT(hello.has_value());
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(1), hello->first);
        CPPUNIT_ASSERT_EQUAL(std::string("relay-b@net"), hello->second);

        client.send(wireFrame(WireType::hello, "relay-c@net"));
        CPPUNIT_ASSERT(client.closedWithin(kWait));
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "certificate is for client-b@relay-b.net but it says it is relay-c@net");
        CPPUNIT_ASSERT(b.listener->reachabilityEvents().empty());
    }

    void aHelloClaimingTheNodesOwnAccountIsRefused() {
        const std::uint16_t port = freePort();
        startNode("relay-b@net", plaintextConfig(), port);
        auto client = RawClient::plain(port);
        client.send(wireFrame(WireType::hello, "relay-b@net"));
        CPPUNIT_ASSERT(client.closedWithin(kWait));
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused", "this node's own account");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(IdentityTest);

}  // namespace relaysync::tests
