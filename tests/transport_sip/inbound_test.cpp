// What arrives over the registration connection, from a scripted server: wrong or malformed
// requests get their error answer or close the connection, never a crash, and the transport
// carries on (or reconnects and registers again).

#include <future>

#include "fake_server.h"
#include "sip_fixture.h"

namespace relaysync::tests {

namespace {

constexpr auto kJson = "application/vnd.relaysync+json";

}  // namespace

class SipInboundTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SipInboundTest);
    CPPUNIT_TEST(testAnswersWrongRequestsAndSurvivesMalformedOnes);
    CPPUNIT_TEST_SUITE_END();

public:
    void testAnswersWrongRequestsAndSurvivesMalformedOnes() {
        FakeSipServer server;
        RecordingListener listener;
        std::string error;
        sdk::PluginConfig config{{"server", server.address()}, {"password", "unused"},
                                 {"relay_accounts", kRelay1}, {"transaction_timeout_ms", "5000"},
                                 {"reconnect_initial_ms", "50"}, {"reconnect_max_ms", "100"},
                                 {"probe_interval_ms", "0"}};  // the script answers no OPTIONS
        TransportPtr transport = SipFixture::createTransport(config, &error);
        CPPUNIT_ASSERT_MESSAGE(error, transport != nullptr);
        auto started = std::async(std::launch::async, [&] { return transport->start(kRelay2, listener); });
        CPPUNIT_ASSERT(server.acceptRegistration(kWait));
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, started.get().code());

        const auto answer = [&](const std::string& request) {
            server.write(request);
            const auto response = server.read(kWait);
            return response ? response->status : 0;
        };
        CPPUNIT_ASSERT_EQUAL(415, answer(relayedMessage(kRelay1, kRelay2, "text/plain", "x", "z9hG4bK1")));
        CPPUNIT_ASSERT_EQUAL(403, answer(relayedMessage(kRelay3, kRelay2, kJson, "x", "z9hG4bK2")));
        CPPUNIT_ASSERT_EQUAL(404, answer(relayedMessage(kRelay1, kRelay3, kJson, "x", "z9hG4bK3")));
        CPPUNIT_ASSERT_EQUAL(400, answer(relayedMessage("nobody", kRelay2, kJson, "x", "z9hG4bK4")));
        std::string subscribe = relayedMessage(kRelay1, kRelay2, kJson, "", "z9hG4bK5");
        subscribe.replace(0, 7, "SUBSCRIBE");
        subscribe.replace(subscribe.find("CSeq: 1 MESSAGE"), 15, "CSeq: 1 SUBSCRIBE");
        CPPUNIT_ASSERT_EQUAL(501, answer(subscribe));
        // An account outside relay_accounts learns nothing, not even by OPTIONS; its oversized
        // MESSAGE gets the same 403 (not 413).
        std::string options = relayedMessage(kRelay3, kRelay2, kJson, "", "z9hG4bK9");
        options.replace(0, 7, "OPTIONS");
        options.replace(options.find("CSeq: 1 MESSAGE"), 15, "CSeq: 1 OPTIONS");
        CPPUNIT_ASSERT_EQUAL(403, answer(options));
        CPPUNIT_ASSERT_EQUAL(403, answer(relayedMessage(kRelay3, kRelay2, kJson, std::string(65000, 'x'), "z9hG4bKa")));
        // A head of 20 KB (a proxy may relay one: it fits Kamailio's 64 KB buffer) is taken, and the
        // connection stays.
        std::string padded = relayedMessage(kRelay1, kRelay2, kJson, "padded", "z9hG4bKb");
        padded.insert(padded.find("Content-Type"), "X-Pad: " + std::string(20000, 'p') + "\r\n");
        CPPUNIT_ASSERT_EQUAL(200, answer(padded));
        CPPUNIT_ASSERT(!server.closedByPeer());
        // A body over max_payload_bytes (60000 by default): 413, and the connection stays.
        CPPUNIT_ASSERT_EQUAL(413, answer(relayedMessage(kRelay1, kRelay2, kJson, std::string(65000, 'x'), "z9hG4bK8")));
        CPPUNIT_ASSERT(!server.closedByPeer());
        // Framed but not SIP: dropped without an answer; the connection stays and works.
        server.write("HELLO THERE\r\nContent-Length: 0\r\n\r\n");
        CPPUNIT_ASSERT_EQUAL(200, answer(relayedMessage(kRelay1, kRelay2, kJson, "taken", "z9hG4bK6")));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), listener.messages().size());
        CPPUNIT_ASSERT_EQUAL(std::string("padded"), listener.messages().at(0).payload);
        CPPUNIT_ASSERT_EQUAL(std::string("taken"), listener.messages().at(1).payload);
        CPPUNIT_ASSERT(listener.messages().at(0).identity.role == sdk::PeerRole::relay);

        // Not framable (no Content-Length): the transport closes the connection, then reconnects
        // and registers again.
        server.write("MESSAGE sip:x@y SIP/2.0\r\nVia: SIP/2.0/TCP a;branch=b\r\n\r\n");
        CPPUNIT_ASSERT(!server.read(kWait));
        CPPUNIT_ASSERT(server.closedByPeer());
        CPPUNIT_ASSERT(server.acceptRegistration(kWait));
        CPPUNIT_ASSERT_EQUAL(200, answer(relayedMessage(kRelay1, kRelay2, kJson, "again", "z9hG4bK7")));
        transport->stop();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SipInboundTest);

}  // namespace relaysync::tests
