// relaysync-admin's outbox and dead-letter commands against a real relay daemon: how the
// command line is read (SEQ or --all, a required destination) and what it prints.
#include <cppunit/extensions/HelperMacros.h>

#include <regex>

#include <filesystem>
#include <memory>
#include <random>

#include <Poco/JSON/Parser.h>

#include "cluster/cluster.h"
#include "plain_relay.h"

namespace relaysync::e2e {

namespace fs = std::filesystem;

class QueueCommandsTest : public PlainRelayFixture {
    CPPUNIT_TEST_SUITE(QueueCommandsTest);
    CPPUNIT_TEST(operatorSeesAndDropsWhatWaitsForAPeer);
    CPPUNIT_TEST(deadLetterCommandsTakeASeqOrAll);
    CPPUNIT_TEST_SUITE_END();

public:
    QueueCommandsTest() : PlainRelayFixture("relaysync-queues-") {}

    void operatorSeesAndDropsWhatWaitsForAPeer() {
        CPPUNIT_ASSERT_EQUAL(std::string("No messages wait to be sent.\n"), succeeds({"outbox"}));
        // Not a peer this relay can dial: the invitation waits in the outbox.
        succeeds({"create-group", "relay-server9@net"});
        const auto table = succeeds({"outbox"});
        CPPUNIT_ASSERT_MESSAGE(table, table.find("DESTINATION") == 0);
        CPPUNIT_ASSERT_MESSAGE(table, table.find("relay-server9@net") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(table, table.find("group-info") != std::string::npos);
        // Its id: the relay's account, its database's epoch, and 1, the first message it sent.
        CPPUNIT_ASSERT_MESSAGE(table, std::regex_search(table, std::regex("relay-server1@net#[0-9a-f]+\\.1\\b")));
        const auto json = Poco::JSON::Parser().parse(succeeds({"--json", "outbox"})).extract<Poco::JSON::Object::Ptr>();
        const auto row = json->getArray("destinations")->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server9@net"), row->getValue<std::string>("destination"));
        CPPUNIT_ASSERT_EQUAL(1, row->getValue<int>("waiting"));
        CPPUNIT_ASSERT(!json->has("text"));

        const auto missing = cluster_->adminCli("relay", {"purge-outbox"});
        CPPUNIT_ASSERT_EQUAL(2, missing.exit_code);
        CPPUNIT_ASSERT_MESSAGE(missing.err, missing.err.find("purge-outbox needs 1 argument(s)") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("dropped 1 message waiting for relay-server9@net\n"),
                             succeeds({"purge-outbox", "relay-server9@net"}));
        CPPUNIT_ASSERT_EQUAL(std::string("No messages wait to be sent.\n"), succeeds({"outbox"}));
    }

    void deadLetterCommandsTakeASeqOrAll() {
        CPPUNIT_ASSERT_EQUAL(std::string("No dead letters.\n"), succeeds({"dead-letters"}));
        CPPUNIT_ASSERT_EQUAL(std::string("No dead letters to resend.\n"), succeeds({"resend-dead-letter", "--all"}));
        CPPUNIT_ASSERT_EQUAL(std::string("dropped 0 dead letters\n"), succeeds({"purge-dead-letters", "--all"}));
        for (const std::string command : {"resend-dead-letter", "purge-dead-letters"}) {
            const std::vector<std::vector<std::string>> wrongs{{command}, {command, "7x"}, {command, "-1"}, {command, "1", "2"}};
            for (const auto& wrong : wrongs) {
                const auto result = cluster_->adminCli("relay", wrong);
                CPPUNIT_ASSERT_EQUAL(2, result.exit_code);
                CPPUNIT_ASSERT_MESSAGE(result.err, result.err.find(command + " takes SEQ (a number from dead-letters) or --all") !=
                                                       std::string::npos);
            }
            const auto unknown = cluster_->adminCli("relay", {command, "7"});
            CPPUNIT_ASSERT_EQUAL(1, unknown.exit_code);
            CPPUNIT_ASSERT_EQUAL(std::string("relaysync-admin: no dead letter 7 (see dead-letters)\n"), unknown.err);
        }
    }

};

CPPUNIT_TEST_SUITE_REGISTRATION(QueueCommandsTest);

}  // namespace relaysync::e2e
