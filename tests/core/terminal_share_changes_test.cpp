// A terminal's changes to what it shared (docs/protocol.md §4.3): the creator's later
// definitions of its share (members added or removed, the share deleted), and how a member
// takes them. Only the creator may change a share; a deleted share stays deleted.
#include <cppunit/extensions/HelperMacros.h>

#include <functional>

#include "engine/share_messages.h"
#include "engine_test_support.h"

namespace relaysync::core::coretest {

namespace {
const std::string kTheirs = "s-theirs" + kClient12;  // a share client12 created, client11 a member
}  // namespace

class TerminalShareChangesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TerminalShareChangesTest);
    CPPUNIT_TEST(addShareMembersSendsTheNextDefinition);
    CPPUNIT_TEST(removeShareMembersSendsTheNextDefinition);
    CPPUNIT_TEST(badMemberChangesAreRefusedWithAReason);
    CPPUNIT_TEST(onlyTheCreatorMayChangeOrDeleteItsShare);
    CPPUNIT_TEST(deleteShareKeepsATombstoneAndTheIdIsNotReused);
    CPPUNIT_TEST(aMemberKeepsTheTombstoneAndNothingBringsTheShareBack);
    CPPUNIT_TEST(aRemovedMemberForgetsTheShare);
    CPPUNIT_TEST(removeResourceSendsTheOwnersTombstone);
    CPPUNIT_TEST(removeResourceOfAnotherOwnerIsRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        quietLogs();
        dir_ = std::make_unique<TempDir>();
        t_ = std::make_unique<TerminalHarness>(*dir_);
        t_->joinGroup();
    }
    void tearDown() override {
        t_.reset();
        dir_.reset();
    }

    void addShareMembersSendsTheNextDefinition() {
        const auto id = engine().createShare(kGroup, "workspace1", {});
        t_->clearOutbox();
        const auto changed = engine().addShareMembers(id, {kClient21, kClient12, kClient21});
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, changed.version);
        CPPUNIT_ASSERT((changed.members == std::vector<std::string>{kClient11, kClient12, kClient21}));
        CPPUNIT_ASSERT(changed == *engine().shares().find(id));
        CPPUNIT_ASSERT(changed == sentDefinition());
    }

    void removeShareMembersSendsTheNextDefinition() {
        const auto id = engine().createShare(kGroup, "workspace1", {kClient12, kClient21});
        t_->clearOutbox();
        const auto changed = engine().removeShareMembers(id, {kClient21});
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, changed.version);
        CPPUNIT_ASSERT((changed.members == std::vector<std::string>{kClient11, kClient12}));
        CPPUNIT_ASSERT(!changed.removed);
        CPPUNIT_ASSERT(changed == sentDefinition());
    }

    void badMemberChangesAreRefusedWithAReason() {
        const auto id = engine().createShare(kGroup, "workspace1", {kClient12});
        t_->clearOutbox();
        const auto before = *engine().shares().find(id);
        const auto refused = [&](const std::string& expected, auto&& command) {
            RS_ASSERT_CONTAINS(thrownMessage<CommandError>(command), expected);
        };
        refused("client99@relay-server9.net is not a shareable terminal of group " + kGroup,
                [&] { engine().addShareMembers(id, {"client99@relay-server9.net"}); });
        refused(kClient12 + " is already a member", [&] { engine().addShareMembers(id, {kClient12}); });
        refused("name at least one", [&] { engine().addShareMembers(id, {}); });
        refused(kClient21 + " is not a member", [&] { engine().removeShareMembers(id, {kClient21}); });
        refused("the creator stays a member", [&] { engine().removeShareMembers(id, {kClient11}); });
        refused("name at least one", [&] { engine().removeShareMembers(id, {}); });
        refused("share s-none is not known here", [&] { engine().deleteShare("s-none"); });
        CPPUNIT_ASSERT(before == *engine().shares().find(id));
        CPPUNIT_ASSERT(engine().messages().outbox().empty());
    }

    // client12 created the share; client11, a member, can change nothing of its definition.
    void onlyTheCreatorMayChangeOrDeleteItsShare() {
        receiveTheirs();
        t_->clearOutbox();
        const auto before = *engine().shares().find(kTheirs);
        for (const auto& command : std::vector<std::function<void()>>{
                 [&] { engine().addShareMembers(kTheirs, {kClient21}); },
                 [&] { engine().removeShareMembers(kTheirs, {kClient12}); },
                 [&] { engine().deleteShare(kTheirs); }})
            RS_ASSERT_CONTAINS(thrownMessage<CommandError>(command), "only its creator " + kClient12 + " may change");
        CPPUNIT_ASSERT(before == *engine().shares().find(kTheirs));
        CPPUNIT_ASSERT(engine().messages().outbox().empty());
    }

    void deleteShareKeepsATombstoneAndTheIdIsNotReused() {
        const auto id = engine().createShare(kGroup, "workspace1", {kClient12});
        t_->store->putFile("a.txt", 10, 100);
        engine().addResource(id, "a", "c:/a.txt");
        t_->clearOutbox();
        const auto tombstone = engine().deleteShare(id);
        CPPUNIT_ASSERT(tombstone.removed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, tombstone.version);
        CPPUNIT_ASSERT((tombstone.members == std::vector<std::string>{kClient11, kClient12}));
        CPPUNIT_ASSERT(tombstone == sentDefinition());
        CPPUNIT_ASSERT(!engine().shares().find(id));
        CPPUNIT_ASSERT(tombstone == *engine().shares().record(id));
        CPPUNIT_ASSERT(engine().shares().entriesWithTombstones(id).empty());
        RS_ASSERT_CONTAINS(thrownMessage<CommandError>([&] { engine().deleteShare(id); }), "was deleted");
        RS_ASSERT_CONTAINS(thrownMessage<CommandError>([&] { engine().addResource(id, "b", "c:/a.txt"); }),
                           "not a member");
        // Same second, same creator: the new share gets another id.
        CPPUNIT_ASSERT(engine().createShare(kGroup, "workspace1", {}) != id);
    }

    // The relay passes client12's deletion on: client11 keeps the tombstone, and neither a late
    // older definition nor late records bring anything back (nor wait for the share).
    void aMemberKeepsTheTombstoneAndNothingBringsTheShareBack() {
        receiveTheirs();
        const auto live = *engine().shares().find(kTheirs);
        auto tombstone = live;
        tombstone.version = 2;
        tombstone.removed = true;
        t_->fromRelay(MessageType::policy_data, kRelay1 + "#11", PolicyData{tombstone, {}}.toBody());
        CPPUNIT_ASSERT(!engine().shares().find(kTheirs));
        CPPUNIT_ASSERT(engine().shares().record(kTheirs)->removed);
        CPPUNIT_ASSERT(engine().shares().entriesWithTombstones(kTheirs).empty());

        const auto late = makeEntry(kTheirs, "late", kClient12, "c:/late", 5);
        t_->fromRelay(MessageType::policy_data, kRelay1 + "#12", PolicyData{live, {late}}.toBody());
        auto newer = live;
        newer.version = 3;
        t_->fromRelay(MessageType::policy_data, kRelay1 + "#13", PolicyData{newer, {late}}.toBody());
        t_->fromRelay(MessageType::update_resource_info, kRelay1 + "#14", entriesBody(kTheirs, {late}));
        CPPUNIT_ASSERT(tombstone == *engine().shares().record(kTheirs));
        CPPUNIT_ASSERT(engine().shares().entriesWithTombstones(kTheirs).empty());
        CPPUNIT_ASSERT(engine().messages().deferred().empty());
    }

    void aRemovedMemberForgetsTheShare() {
        receiveTheirs();
        const Share without{kTheirs, kGroup, "theirs", kClient12, {kClient12, kClient21}, 2};
        t_->fromRelay(MessageType::policy_data, kRelay1 + "#11", PolicyData{without, {}}.toBody());
        CPPUNIT_ASSERT(!engine().shares().record(kTheirs));
        CPPUNIT_ASSERT(engine().shares().entriesWithTombstones(kTheirs).empty());
    }

    // Like a gone entity in remove mode: the owner's next version, removed, as delete-resource-info.
    void removeResourceSendsTheOwnersTombstone() {
        const auto id = engine().createShare(kGroup, "workspace1", {kClient12});
        t_->store->putFile("a.txt", 10, 100);
        engine().addResource(id, "a", "c:/a.txt");
        const auto live = *engine().shares().entry(id, "a");
        t_->clearOutbox();
        const auto tombstone = engine().removeResource(id, "a");
        CPPUNIT_ASSERT(tombstone.removed);
        CPPUNIT_ASSERT_EQUAL(live.version + 1, tombstone.version);
        CPPUNIT_ASSERT_EQUAL(live.location, tombstone.location);
        CPPUNIT_ASSERT(engine().shares().entries(id).empty());
        CPPUNIT_ASSERT(tombstone == *engine().shares().entryOf(id, "a", kClient11));
        const auto sent = outboxOf(engine());
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent.size());
        CPPUNIT_ASSERT(sent[0].type == MessageType::delete_resource_info);
        CPPUNIT_ASSERT(tombstone == entriesFromJson(sent[0].body, "entries", "body").at(0));
        // Removed once; shared again, it numbers on after the tombstone.
        RS_ASSERT_CONTAINS(thrownMessage<CommandError>([&] { engine().removeResource(id, "a"); }), "has no resource 'a'");
        engine().addResource(id, "a", "c:/a.txt");
        CPPUNIT_ASSERT_EQUAL(live.version + 2, engine().shares().entry(id, "a")->version);
    }

    void removeResourceOfAnotherOwnerIsRefused() {
        receiveTheirs();
        t_->clearOutbox();
        RS_ASSERT_CONTAINS(thrownMessage<CommandError>([&] { engine().removeResource(kTheirs, "plan"); }),
                           "'plan' is shared by " + kClient12 + "; only its owner can remove it");
        RS_ASSERT_CONTAINS(thrownMessage<CommandError>([&] { engine().removeResource(kTheirs, "nothing"); }),
                           "has no resource 'nothing'");
        RS_ASSERT_CONTAINS(thrownMessage<CommandError>([&] { engine().removeResource("s-none", "plan"); }),
                           "not a member of share s-none");
        CPPUNIT_ASSERT(!engine().shares().entry(kTheirs, "plan")->removed);
        CPPUNIT_ASSERT(engine().messages().outbox().empty());
    }

private:
    TerminalEngine& engine() { return *t_->engine; }

    // The one definition in the outbox, as sent to the relay.
    Share sentDefinition() {
        const auto sent = outboxOf(engine());
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent.size());
        CPPUNIT_ASSERT(sent[0].type == MessageType::create_shared_resource);
        CPPUNIT_ASSERT_EQUAL(kRelay1, sent[0].to);
        return ShareDefinition::fromBody(sent[0].body).share;
    }

    // client12's share with client11 in it and one entry of client12's.
    void receiveTheirs() {
        const Share theirs{kTheirs, kGroup, "theirs", kClient12, {kClient11, kClient12, kClient21}, 1};
        t_->fromRelay(MessageType::policy_data, kRelay1 + "#10",
                      PolicyData{theirs, {makeEntry(kTheirs, "plan", kClient12, "c:/plan")}}.toBody());
        CPPUNIT_ASSERT(engine().shares().entry(kTheirs, "plan"));
    }

    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<TerminalHarness> t_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(TerminalShareChangesTest);

}  // namespace relaysync::core::coretest
