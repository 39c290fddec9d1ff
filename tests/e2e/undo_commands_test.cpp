// relaysync-admin's commands that take back what was done, against a real relay daemon: how the
// command line is read (missing arguments are usage errors, exit 2), what the relay commands
// print as a table and as JSON, and the one-line refusals (exit 1). The commands' effect across
// nodes is covered by tests/scenario and tests/admin.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <memory>
#include <random>

#include <Poco/JSON/Parser.h>

#include "cluster/cluster.h"
#include "plain_relay.h"

namespace relaysync::e2e {

namespace fs = std::filesystem;

class UndoCommandsTest : public PlainRelayFixture {
    CPPUNIT_TEST_SUITE(UndoCommandsTest);
    CPPUNIT_TEST(missingArgumentsAreUsageErrors);
    CPPUNIT_TEST(removeRelayPrintsTheGroupsRelays);
    CPPUNIT_TEST(leaveGroupSaysWhatHappened);
    CPPUNIT_TEST_SUITE_END();

public:
    UndoCommandsTest() : PlainRelayFixture("relaysync-undo-cli-") {}

    void missingArgumentsAreUsageErrors() {
        const std::vector<std::pair<std::vector<std::string>, std::string>> wrongs{
            {{"add-share-members", "S"}, "add-share-members needs at least 2 argument(s)"},
            {{"remove-share-members", "S"}, "remove-share-members needs at least 2 argument(s)"},
            {{"delete-share"}, "delete-share needs 1 argument(s)"},
            {{"remove-resource", "S"}, "remove-resource needs 2 argument(s)"},
            {{"remove-relay", "relay-server9@net"}, "remove-relay needs 2 argument(s)"},
            {{"leave-group"}, "leave-group needs 1 argument(s)"},
            {{"leave-group", "G", "extra"}, "leave-group takes at most 1 argument(s)"},
            {{"delete-share", "S", "--force"}, "delete-share takes no --force"},
        };
        for (const auto& [args, expected] : wrongs) {
            const auto result = cluster_->adminCli("relay", args);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(args.front(), 2, result.exit_code);
            CPPUNIT_ASSERT_MESSAGE(result.err, result.err.find(expected) != std::string::npos);
        }
        // A terminal's command at a relay: the daemon says why.
        const auto refused = cluster_->adminCli("relay", {"delete-share", "S"});
        CPPUNIT_ASSERT_EQUAL(1, refused.exit_code);
        CPPUNIT_ASSERT_EQUAL(std::string("relaysync-admin: relay-server1@net is a relay, not a terminal\n"), refused.err);
    }

    // The invited relay never comes (nothing listens for it): it can be taken out all the same.
    void removeRelayPrintsTheGroupsRelays() {
        const auto group = groupWith("relay-server9@net");
        const auto table = succeeds({"remove-relay", "relay-server9@net", group});
        CPPUNIT_ASSERT_MESSAGE(table, table.find("GROUP") == 0);
        CPPUNIT_ASSERT_MESSAGE(table, table.find("relay-server1@net") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(table, table.find("in the group") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(table, table.find("removed") != std::string::npos);

        const auto again = cluster_->adminCli("relay", {"remove-relay", "relay-server9@net", group});
        CPPUNIT_ASSERT_EQUAL(1, again.exit_code);
        CPPUNIT_ASSERT_EQUAL("relaysync-admin: remove-relay: relay-server9@net is not a relay of group " + group + "\n",
                             again.err);

        const auto other = groupWith("relay-server8@net");
        const auto json = Poco::JSON::Parser()
                              .parse(succeeds({"--json", "remove-relay", "relay-server8@net", other}))
                              .extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(other, json->getValue<std::string>("group_id"));
        const auto removed = json->getArray("relays")->getObject(1);
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server8@net"), removed->getValue<std::string>("account"));
        CPPUNIT_ASSERT(removed->getValue<bool>("removed"));
        CPPUNIT_ASSERT_EQUAL(2, removed->getValue<int>("version"));
        CPPUNIT_ASSERT(!json->has("text"));
    }

    void leaveGroupSaysWhatHappened() {
        const auto group = groupWith("relay-server9@net");
        CPPUNIT_ASSERT_EQUAL("relay-server1@net left group " + group +
                                 " (record version 2); its terminals were told to forget the group\n",
                             succeeds({"leave-group", group}));
        const auto status = succeeds({"status"});
        CPPUNIT_ASSERT_MESSAGE(status, status.find("Relay groups: none") != std::string::npos);
        const auto again = cluster_->adminCli("relay", {"leave-group", group});
        CPPUNIT_ASSERT_EQUAL(1, again.exit_code);
        CPPUNIT_ASSERT_EQUAL("relaysync-admin: leave-group: this relay is not in group " + group + "\n", again.err);
    }

private:
    // A new group of this relay with `peer` invited into it; its id.
    std::string groupWith(const std::string& peer) {
        auto out = succeeds({"create-group", peer});
        const std::string key = "group_id: ";
        CPPUNIT_ASSERT_MESSAGE(out, out.rfind(key, 0) == 0);
        return out.substr(key.size(), out.find('\n') - key.size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(UndoCommandsTest);

}  // namespace relaysync::e2e
