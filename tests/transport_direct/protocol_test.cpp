// Bad input on one connection: the transport logs why, closes that connection only, and goes
// on serving the others and accepting new ones.

#include "direct_fixture.h"
#include "raw_client.h"

namespace relaysync::tests {

class ProtocolTest : public DirectFixture {
    CPPUNIT_TEST_SUITE(ProtocolTest);
    CPPUNIT_TEST(anOversizedFrameClosesOnlyThatConnection);
    CPPUNIT_TEST(aMessageBeforeHelloIsRefused);
    CPPUNIT_TEST(malformedFramesAreRefused);
    CPPUNIT_TEST(garbageInPlaintextModeClosesOnlyThatConnection);
    CPPUNIT_TEST_SUITE_END();

    // relay-b listening, relay-a connected to it, both with `config_for(account)`.
    template <class ConfigFor>
    std::pair<Node*, Node*> connectedPair(ConfigFor config_for) {
        const std::uint16_t b_port = freePort();
        Node& b = startNode("relay-b@net", config_for("relay-b@net"), b_port);
        Node& a = startNode("relay-a@net", config_for("relay-a@net"), 0, {peerAt("relay-b@net", b_port)});
        CPPUNIT_ASSERT(b.listener->waitForReachability("relay-a@net", true, kWait));
        return {&a, &b};
    }

    // The good connection still carries messages both ways, and new connections are accepted.
    void expectStillServing(Node& a, Node& b, bool tls) {
        ASSERT_STATUS(sdk::StatusCode::ok, a.transport->send("relay-b@net", "still there?"));
        ASSERT_STATUS(sdk::StatusCode::ok, b.transport->send("relay-a@net", "yes"));
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::reachable, b.transport->reachability("relay-a@net"));
        auto another = tls ? RawClient::tls(b.port, certs().certificate("relay-c@net"), certs().key("relay-c@net"))
                           : RawClient::plain(b.port);
        another.send(wireFrame(WireType::hello, "relay-c@net"));
        const auto hello = another.readFrame(kWait);
        CPPUNIT_ASSERT(hello.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("relay-b@net"), hello->second);
        CPPUNIT_ASSERT(b.listener->waitForReachability("relay-c@net", true, kWait));
    }

    RawClient helloFromClientB(std::uint16_t port) {
        auto client = RawClient::tls(port, certs().certificate("client-b@relay-b.net"), certs().key("client-b@relay-b.net"));
        client.send(wireFrame(WireType::hello, "client-b@relay-b.net"));
        return client;
    }

public:
    void anOversizedFrameClosesOnlyThatConnection() {
        auto [a, b] = connectedPair([](const std::string& account) {
            auto config = tlsConfig(account);
            config["max_frame_bytes"] = "65536";
            return config;
        });
        auto client = helloFromClientB(b->port);
        CPPUNIT_ASSERT(b->listener->waitForReachability("client-b@relay-b.net", true, kWait));
        // Only the header of a frame one byte over the limit: refused before any body is read.
        client.send(std::string("\x00\x01\x00\x01\x02", 5));
        CPPUNIT_ASSERT(client.closedWithin(kWait));
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "client-b@relay-b.net", "127.0.0.1",
                      "frame of 65537 bytes exceeds max_frame_bytes (65536)");
        CPPUNIT_ASSERT(b->listener->waitForReachability("client-b@relay-b.net", false, kWait));
        expectStillServing(*a, *b, true);
    }

    void aMessageBeforeHelloIsRefused() {
        auto [a, b] = connectedPair(tlsConfig);
        auto client = RawClient::tls(b->port, certs().certificate("client-b@relay-b.net"), certs().key("client-b@relay-b.net"));
        client.send(wireMessage(1, "sneaky"));
        CPPUNIT_ASSERT(client.closedWithin(kWait));
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused", "127.0.0.1", "MESSAGE before HELLO");
        CPPUNIT_ASSERT(b->listener->messages().empty());
        expectStillServing(*a, *b, true);
    }

    void malformedFramesAreRefused() {
        auto [a, b] = connectedPair(tlsConfig);
        const std::vector<std::pair<std::string, std::string>> cases = {
            {wireFrame(99, ""), "unknown frame type 99"},
            {wireFrame(WireType::message, "short"), "malformed MESSAGE"},
            {wireFrame(WireType::ack, "123"), "malformed ACK"},
            {wireFrame(WireType::ping, "body"), "malformed PING"},
            {wireFrame(WireType::hello, "client-b@relay-b.net"), "a second HELLO"},
            {std::string("\x00\x00\x00\x00", 4), "frame with length 0"},
        };
        for (const auto& [bytes, reason] : cases) {
            auto client = helloFromClientB(b->port);
            CPPUNIT_ASSERT(b->listener->waitForReachability("client-b@relay-b.net", true, kWait));
            client.send(bytes);
            CPPUNIT_ASSERT_MESSAGE(reason, client.closedWithin(kWait));
            ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "client-b@relay-b.net", reason);
            CPPUNIT_ASSERT(b->listener->waitForReachability("client-b@relay-b.net", false, kWait));
        }
        auto bad_hello = RawClient::tls(b->port, certs().certificate("client-b@relay-b.net"), certs().key("client-b@relay-b.net"));
        bad_hello.send(wireFrame(WireType::hello, std::string("client\x01", 7)));
        CPPUNIT_ASSERT(bad_hello.closedWithin(kWait));
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "malformed HELLO", "control character");
        CPPUNIT_ASSERT(b->listener->messages().empty());
        expectStillServing(*a, *b, true);
    }

    void garbageInPlaintextModeClosesOnlyThatConnection() {
        auto [a, b] = connectedPair([](const std::string&) { return plaintextConfig(); });
        auto http = RawClient::plain(b->port);
        http.send("GET / HTTP/1.1\r\nHost: relay\r\n\r\n");
        CPPUNIT_ASSERT(http.closedWithin(kWait));
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "127.0.0.1", "exceeds max_frame_bytes");

        auto noise = RawClient::plain(b->port);
        noise.send(std::string("\x00\x00\x00\x03\x63zz", 7));
        CPPUNIT_ASSERT(noise.closedWithin(kWait));
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "127.0.0.1", "unknown frame type 99");
        expectStillServing(*a, *b, false);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProtocolTest);

}  // namespace relaysync::tests
