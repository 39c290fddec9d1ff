// Taking back what was done, over the admin channel: a share's creator adds and removes members
// and deletes the share, an owner removes a resource, an operator takes another relay out of a
// group or leaves it. Two relays and two terminals on the in-process network, each behind its
// own admin socket; every answer carries its JSON and a table, refusals are one-line errors.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <map>
#include <random>

#include "admin/admin_client.h"
#include "admin/admin_commands.h"
#include "admin/admin_server.h"
#include "checker/timestamp_size_checker.h"
#include "memory_store.h"
#include "protocol/json_fields.h"
#include "runtime/in_process_network.h"

namespace relaysync::test {

using core::askDaemon;

namespace {
const std::string kRelay = "relay@net";
const std::string kRelay2 = "relay2@net";
const std::string kPc1 = "pc1@relay.net";
const std::string kPc2 = "pc2@relay.net";

Poco::JSON::Object::Ptr request(const std::string& command, Poco::JSON::Object::Ptr args) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("command", command);
    object->set("args", args);
    return object;
}

Poco::JSON::Object::Ptr args(std::initializer_list<std::pair<const char*, std::string>> values,
                             std::vector<std::string> members = {}) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    for (const auto& [key, value] : values) object->set(key, value);
    if (!members.empty()) object->set("members", core::json::toArray(members));
    return object;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

// A command of the fixture's that must fail with an error containing `part`.
#define RS_EXPECT_ERROR(node, command, arguments, part)                                                  \
    do {                                                                                                 \
        const auto error_ = failed(node, command, arguments);                                            \
        CPPUNIT_ASSERT_MESSAGE("expected \"" + std::string(part) + "\" in \"" + error_ + "\"",          \
                               has(error_, part));                                                       \
    } while (false)

class AdminUndoTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AdminUndoTest);
    CPPUNIT_TEST(creatorChangesMembersAndDeletesItsShare);
    CPPUNIT_TEST(ownerRemovesAResourceAndOthersAreRefused);
    CPPUNIT_TEST(operatorRemovesAnotherRelay);
    CPPUNIT_TEST(operatorLeavesAGroup);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        directory_ = std::filesystem::temp_directory_path() / ("relaysync-undo-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(directory_);
        relay_ = relayNode(kRelay, "Tokyo", core::RelayPolicy{{kRelay2}, {kPc1, kPc2}});
        relay2_ = relayNode(kRelay2, "Osaka", core::RelayPolicy{{kRelay}, {}});
        store_ = std::make_shared<MemoryStore>();
        store_->putFile("folderA/a.txt", 10, 1000);
        pc1_ = terminalNode(kPc1);
        pc2_ = terminalNode(kPc2);
        for (auto* node : {relay_.get(), relay2_.get(), pc1_.get(), pc2_.get()}) {
            node->start();
            const auto socket = (directory_ / (node->account() + ".sock")).string();
            sockets_[node->account()] = socket;
            servers_.push_back(std::make_unique<core::AdminServer>(socket, [node](const auto& r) {
                return core::runAdminCommand(*node, r);
            }));
            servers_.back()->start();
        }
        group_ = ok(kRelay, "create-group", args({{"peer", kRelay2}}))->getValue<std::string>("group_id");
        network_.run();
        for (const auto& pc : {kPc1, kPc2}) ok(kRelay, "add-terminal", args({{"group", group_}, {"terminal", pc}}));
        network_.run();
    }

    void tearDown() override {
        servers_.clear();
        pc1_.reset();
        pc2_.reset();
        relay_.reset();
        relay2_.reset();
        std::filesystem::remove_all(directory_);
    }

    void creatorChangesMembersAndDeletesItsShare() {
        const auto share = ok(kPc1, "create-share", args({{"group", group_}, {"name", "ws"}}))->getValue<std::string>("share_id");
        network_.run();
        auto answer = ok(kPc1, "add-share-members", args({{"share", share}}, {kPc2}));
        auto definition = answer->getObject("share");
        CPPUNIT_ASSERT_EQUAL(2, definition->getValue<int>("version"));
        CPPUNIT_ASSERT((core::json::requireStrings(definition, "members", "share") == std::vector<std::string>{kPc1, kPc2}));
        CPPUNIT_ASSERT(!definition->getValue<bool>("removed"));
        const auto table = answer->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(table, has(table, "MEMBERS") && has(table, kPc2) && has(table, "shared"));
        network_.run();
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sharesAt(kPc2)->size());

        // Only the creator changes its share.
        RS_EXPECT_ERROR(kPc2, "add-share-members", args({{"share", share}}, {kPc1}), "only its creator " + kPc1 + " may change");
        RS_EXPECT_ERROR(kPc2, "delete-share", args({{"share", share}}), "only its creator " + kPc1 + " may change");
        RS_EXPECT_ERROR(kPc1, "add-share-members", args({{"share", share}}), "name at least one terminal to add");
        RS_EXPECT_ERROR(kPc1, "add-share-members", args({{"share", share}}, {"pc9@relay.net"}),
                        "pc9@relay.net is not a shareable terminal of group " + group_);
        RS_EXPECT_ERROR(kRelay, "delete-share", args({{"share", share}}), "is a relay, not a terminal");

        answer = ok(kPc1, "remove-share-members", args({{"share", share}}, {kPc2}));
        CPPUNIT_ASSERT_EQUAL(3, answer->getObject("share")->getValue<int>("version"));
        network_.run();
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, sharesAt(kPc2)->size());

        answer = ok(kPc1, "delete-share", args({{"share", share}}));
        CPPUNIT_ASSERT(answer->getObject("share")->getValue<bool>("removed"));
        CPPUNIT_ASSERT_MESSAGE(answer->getValue<std::string>("text"), has(answer->getValue<std::string>("text"), "deleted"));
        network_.run();
        for (const auto& node : {kRelay, kPc1}) CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::size_t{0}, sharesAt(node)->size());
        RS_EXPECT_ERROR(kPc1, "delete-share", args({{"share", share}}), "share " + share + " was deleted");
    }

    void ownerRemovesAResourceAndOthersAreRefused() {
        const auto share = ok(kPc1, "create-share", args({{"group", group_}, {"name", "ws"}}, {kPc2}))->getValue<std::string>("share_id");
        network_.run();
        ok(kPc1, "add-resource", args({{"share", share}, {"name", "folderA"}, {"location", "c:/folderA"}}));
        network_.run();
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sharesAt(kPc2)->getObject(0)->getArray("entries")->size());

        RS_EXPECT_ERROR(kPc2, "remove-resource", args({{"share", share}, {"name", "folderA"}}),
                        "'folderA' is shared by " + kPc1 + "; only its owner can remove it");
        const auto answer = ok(kPc1, "remove-resource", args({{"share", share}, {"name", "folderA"}}));
        CPPUNIT_ASSERT_EQUAL(kPc1, answer->getValue<std::string>("owner"));
        CPPUNIT_ASSERT_EQUAL(2, answer->getValue<int>("version"));
        CPPUNIT_ASSERT(answer->getValue<bool>("removed"));
        const auto table = answer->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(table, has(table, "OWNER") && has(table, "folderA") && has(table, "removed"));
        network_.run();
        for (const auto& node : {kRelay, kPc1, kPc2})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::size_t{0}, sharesAt(node)->getObject(0)->getArray("entries")->size());
        RS_EXPECT_ERROR(kPc1, "remove-resource", args({{"share", share}, {"name", "folderA"}}), "has no resource 'folderA'");
        RS_EXPECT_ERROR(kPc1, "remove-resource", args({{"share", share}}), "args.name");
    }

    void operatorRemovesAnotherRelay() {
        const auto answer = ok(kRelay, "remove-relay", args({{"relay", kRelay2}, {"group", group_}}));
        CPPUNIT_ASSERT_EQUAL(group_, answer->getValue<std::string>("group_id"));
        const auto relays = answer->getArray("relays");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, relays->size());
        CPPUNIT_ASSERT_EQUAL(kRelay2, relays->getObject(1)->getValue<std::string>("account"));
        CPPUNIT_ASSERT(relays->getObject(1)->getValue<bool>("removed"));
        CPPUNIT_ASSERT_EQUAL(2, relays->getObject(1)->getValue<int>("version"));
        const auto table = answer->getValue<std::string>("text");
        CPPUNIT_ASSERT_MESSAGE(table, has(table, "in the group") && has(table, "removed") && has(table, "Osaka"));
        network_.run();
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, statusOf(kRelay2)->getArray("groups")->size());

        RS_EXPECT_ERROR(kRelay, "remove-relay", args({{"relay", kRelay2}, {"group", group_}}),
                        kRelay2 + " is not a relay of group " + group_);
        RS_EXPECT_ERROR(kRelay, "remove-relay", args({{"relay", kRelay}, {"group", group_}}), "leave-group " + group_);
        RS_EXPECT_ERROR(kRelay, "remove-relay", args({{"relay", kRelay2}}), "args.group");
        RS_EXPECT_ERROR(kPc1, "remove-relay", args({{"relay", kRelay2}, {"group", group_}}), "is a terminal, not a relay");
    }

    void operatorLeavesAGroup() {
        const auto answer = ok(kRelay2, "leave-group", args({{"group", group_}}));
        CPPUNIT_ASSERT_EQUAL(kRelay2, answer->getValue<std::string>("relay"));
        CPPUNIT_ASSERT_EQUAL(2, answer->getValue<int>("version"));
        CPPUNIT_ASSERT(answer->getValue<bool>("removed"));
        CPPUNIT_ASSERT_MESSAGE(answer->getValue<std::string>("text"), has(answer->getValue<std::string>("text"), "left group " + group_));
        network_.run();
        const auto group = statusOf(kRelay)->getArray("groups")->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, group->getArray("relays")->size());
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, statusOf(kRelay2)->getArray("groups")->size());
        RS_EXPECT_ERROR(kRelay2, "leave-group", args({{"group", group_}}), "this relay is not in group " + group_);
    }

private:
    Poco::JSON::Object::Ptr ok(const std::string& node, const std::string& command, Poco::JSON::Object::Ptr arguments) {
        const auto answer = askDaemon(sockets_.at(node), request(command, arguments));
        CPPUNIT_ASSERT_MESSAGE(command + ": " + core::json::optionalString(answer, "error"), answer->getValue<bool>("ok"));
        return answer;
    }

    std::string failed(const std::string& node, const std::string& command, Poco::JSON::Object::Ptr arguments) {
        const auto answer = askDaemon(sockets_.at(node), request(command, arguments));
        CPPUNIT_ASSERT_MESSAGE(command + " was expected to fail", !answer->getValue<bool>("ok"));
        return answer->getValue<std::string>("error");
    }

    Poco::JSON::Object::Ptr statusOf(const std::string& node) { return ok(node, "status", new Poco::JSON::Object); }
    Poco::JSON::Array::Ptr sharesAt(const std::string& node) { return statusOf(node)->getArray("shares"); }

    std::unique_ptr<core::Node> relayNode(const std::string& account, const std::string& name, core::RelayPolicy policy) {
        core::Node::Parts parts;
        parts.database = std::make_unique<core::Database>("sqlite:" + (directory_ / (account + ".db")).string());
        parts.transport = network_.transportFor(account);
        return core::Node::relay(std::move(parts), account, name, std::move(policy));
    }

    std::unique_ptr<core::Node> terminalNode(const std::string& account) {
        core::Node::Parts parts;
        parts.database = std::make_unique<core::Database>("sqlite:" + (directory_ / (account + ".db")).string());
        parts.transport = network_.transportFor(account);
        parts.stores = std::make_unique<core::StoreRouter>();
        parts.stores->add("c:", store_);
        parts.checker = std::make_shared<core::TimestampSizeChecker>();
        return core::Node::terminal(std::move(parts), account, kRelay, {});
    }

    std::filesystem::path directory_;
    core::InProcessNetwork network_;
    std::shared_ptr<MemoryStore> store_;
    std::unique_ptr<core::Node> relay_, relay2_, pc1_, pc2_;
    std::map<std::string, std::string> sockets_;
    std::vector<std::unique_ptr<core::AdminServer>> servers_;
    std::string group_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminUndoTest);

}  // namespace relaysync::test
