// What hostile peers can make the transport log: repeated warnings about one source stop after
// warnings_per_source per warnings_window_ms and are summed up with a count; values from the
// network are shortened and their control characters escaped.

#include "abuse_fixture.h"
#include "log_limiter.h"
#include "log_text.h"

#include <Poco/Logger.h>

namespace relaysync::tests {

using plugin_common::loggable;

class LogLimitTest : public AbuseFixture {
    CPPUNIT_TEST_SUITE(LogLimitTest);
    CPPUNIT_TEST(repeatedRefusalsFromOneAddressAreSummedUp);
    CPPUNIT_TEST(aLongAccountInAHelloIsShortenedInTheLog);
    CPPUNIT_TEST(loggableShortensAndEscapes);
    CPPUNIT_TEST(theLimiterCountsPerSourceAndSumsUpOnce);
    CPPUNIT_TEST_SUITE_END();

public:
    // Twelve HTTP requests on a TLS port from one address: three refusals logged, then one line
    // with the nine left out; another address is logged on its own count.
    void repeatedRefusalsFromOneAddressAreSummedUp() {
        Node& relay = startNode(
            "relay-b@net", limitedConfig("relay-b@net", {{"warnings_per_source", "3"}, {"warnings_window_ms", "2000"}}),
            freePort());
        for (int i = 0; i < 12; ++i) {
            auto http = AttackSocket::connectFrom("127.0.0.5", relay.port);
            CPPUNIT_ASSERT(eventually([&] { return http.connected(); }, kWait));
            http.trySend("GET / HTTP/1.1\r\nHost: relay\r\n\r\n");
            CPPUNIT_ASSERT(eventually([&] { return http.closedByPeer(); }, kWait));
        }
        auto other = AttackSocket::connectFrom("127.0.0.6", relay.port);
        CPPUNIT_ASSERT(eventually([&] { return other.connected(); }, kWait));
        other.trySend("GET / HTTP/1.1\r\n\r\n");
        CPPUNIT_ASSERT(eventually([&] { return other.closedByPeer(); }, kWait));

        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "left out 9 more line(s) about 127.0.0.5 within 2000 ms",
                      "(warnings_per_source: 3)");
        const auto logged = log->linesWith({"refused the connection with 127.0.0.5:", "TLS handshake failed"}).size();
        const auto other_logged = log->linesWith({"refused the connection with 127.0.0.6:"}).size();
        std::cout << "\n  12 refusals from 127.0.0.5: " << logged << " logged, 9 summed up in one line; "
                  << other_logged << " from 127.0.0.6 logged on its own count" << std::endl;
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), logged);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), other_logged);
    }

    // A HELLO with a 255-byte account that is not the certificate's: the refusal quotes at most
    // 200 bytes of it and says how long it was.
    void aLongAccountInAHelloIsShortenedInTheLog() {
        Node& relay = startNode("relay-b@net", tlsConfig("relay-b@net"), freePort());
        const std::string claimed(255, 'x');
        auto client = RawClient::tls(relay.port, certs().certificate("client-b@relay-b.net"),
                                     certs().key("client-b@relay-b.net"));
        client.send(wireFrame(WireType::hello, claimed));
        CPPUNIT_ASSERT(client.closedWithin(kWait));
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "certificate is for client-b@relay-b.net but it says it is " +
                                                       std::string(200, 'x') + "...(255 bytes)");
        const auto line = log->linesWith({"but it says it is"}).at(0);
        const auto from = line.find("it says it is ") + 14;
        const auto kept = line.find_first_not_of('x', from) - from;
        std::cout << "\n  a 255-byte account in a HELLO: the refusal line is " << line.size() << " bytes, quoting "
                  << kept << " of them" << std::endl;
        CPPUNIT_ASSERT_EQUAL(std::size_t(200), kept);
        CPPUNIT_ASSERT(line.find(claimed) == std::string::npos);
        (void)relay;
    }

    void loggableShortensAndEscapes() {
        CPPUNIT_ASSERT_EQUAL(std::string("client11@relay-server1.net"), loggable("client11@relay-server1.net"));
        CPPUNIT_ASSERT_EQUAL(std::string("a\\x0ab\\x1b[31mc\\x7f\\\\"), loggable("a\nb\x1b[31mc\x7f\\"));
        const std::string forged = "x\nrefused nothing: all is well";
        CPPUNIT_ASSERT(loggable(forged).find('\n') == std::string::npos);
        const std::string shortened = loggable(std::string(5000, 'y'));
        CPPUNIT_ASSERT_EQUAL(std::string(200, 'y') + "...(5000 bytes)", shortened);
        // Cut on a character boundary: "é" is two bytes.
        std::string accented;
        for (int i = 0; i < 150; ++i) accented += "\xc3\xa9";
        const std::string cut = loggable(accented);
        CPPUNIT_ASSERT_EQUAL(std::string("...(300 bytes)"), cut.substr(cut.size() - 14));
        CPPUNIT_ASSERT_EQUAL(std::size_t(200), cut.size() - 14);
        // Escapes count: the quoted value stays near 200 bytes however it is made.
        CPPUNIT_ASSERT(loggable(std::string(1000, '\x01')).size() <= 200 + 4 + 16);
        CPPUNIT_ASSERT(loggable(std::string(1000, '\x80')).size() <= 200 + 4 + 16);
    }

    void theLimiterCountsPerSourceAndSumsUpOnce() {
        plugin_common::LogLimiter limiter(Poco::Logger::get("relaysync.transport.direct"), 2,
                                             milliseconds(200));
        for (int i = 0; i < 5; ++i) limiter.warning("10.0.0.1", "warning " + std::to_string(i) + " about 10.0.0.1");
        limiter.information("10.0.0.2", "about 10.0.0.2");
        CPPUNIT_ASSERT(log->contains({"warning 1 about 10.0.0.1"}));
        CPPUNIT_ASSERT(!log->contains({"warning 2 about 10.0.0.1"}));
        CPPUNIT_ASSERT(log->contains({"about 10.0.0.2"}));
        CPPUNIT_ASSERT(!log->contains({"left out"}));  // not before the window is over
        CPPUNIT_ASSERT(eventually(
            [&] {
                limiter.flush();
                return log->contains({"left out 3 more line(s) about 10.0.0.1 within 200 ms"}, Poco::Message::PRIO_WARNING);
            },
            kWait));
        limiter.flush();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), log->linesWith({"left out"}).size());
        limiter.warning("10.0.0.1", "a new window about 10.0.0.1");
        CPPUNIT_ASSERT(log->contains({"a new window about 10.0.0.1"}));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LogLimitTest);

}  // namespace relaysync::tests
