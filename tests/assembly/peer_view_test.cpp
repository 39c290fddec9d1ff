// The peers command: what the node saw of each peer, with the transport's word and the outbox.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <ctime>

#include "assembly/peer_view.h"
#include "runtime/peer_log.h"

namespace relaysync::core::test {

class PeerViewTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PeerViewTest);
    CPPUNIT_TEST(logRecordsChangesAndMessages);
    CPPUNIT_TEST(rowsJoinTheLogTheOutboxAndTheTransport);
    CPPUNIT_TEST(nothingSeenSaysSo);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        ::setenv("TZ", "UTC", 1);
        ::tzset();
    }

    void logRecordsChangesAndMessages() {
        PeerLog log;
        log.reachabilityChanged("relay-server2@net", true);
        const auto first = log.snapshot().at(0).since_ms;
        log.reachabilityChanged("relay-server2@net", true);  // no change: since stays
        CPPUNIT_ASSERT_EQUAL(first, log.snapshot().at(0).since_ms);
        log.messageFrom("client11@relay-server1.net");
        const auto records = log.snapshot();
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, records.size());
        CPPUNIT_ASSERT_EQUAL(std::string("client11@relay-server1.net"), records[0].account);
        CPPUNIT_ASSERT(!records[0].reachable.has_value());
        CPPUNIT_ASSERT(records[0].last_message_ms > 0);
        CPPUNIT_ASSERT(records[1].reachable.value_or(false));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, records[1].last_message_ms);
    }

    void rowsJoinTheLogTheOutboxAndTheTransport() {
        const std::vector<PeerRecord> seen{{"relay-server2@net", true, 1191250832000, 1191250833000}};
        const std::vector<OutboxRow> outbox{{"relay-server3@net", 7, 12, {"synchronize", "m1"}}};
        const auto rows = readPeers(seen, outbox, [](const std::string& account) {
            return account == "relay-server2@net" ? sdk::Reachability::reachable : sdk::Reachability::unreachable;
        });
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, rows.size());
        const auto result = peersResult(rows);
        const auto peers = result->getArray("peers");
        const auto second = peers->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("connected"), second->getValue<std::string>("state"));
        CPPUNIT_ASSERT_EQUAL(std::string("2007-10-01T15:00:32Z"), second->getValue<std::string>("since"));
        const auto third = peers->getObject(1);
        CPPUNIT_ASSERT_EQUAL(std::string("not connected"), third->getValue<std::string>("state"));
        CPPUNIT_ASSERT_EQUAL(7, third->getValue<int>("queued"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), third->getValue<std::string>("last_message"));
        const auto text = result->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(text, text.find("relay-server2@net  connected      2007-10-01 15:00:32  "
                                               "2007-10-01 15:00:33       0") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find("relay-server3@net  not connected  -") != std::string::npos);
    }

    void nothingSeenSaysSo() {
        const auto result = peersResult({});
        CPPUNIT_ASSERT_EQUAL(std::string("Peers: none seen yet\n"), result->getValue<std::string>("text"));
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, result->getArray("peers")->size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PeerViewTest);

}  // namespace relaysync::core::test
