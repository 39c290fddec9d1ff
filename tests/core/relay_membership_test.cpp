// Relays taken out of a group (docs/protocol.md §4.1, §5): an operator removes another relay or
// leaves; relay records are versioned, every relay passes a change on, the removed relay and its
// terminals forget the group, and no late or hostile message brings a removed relay back or
// lets it act for the group.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <set>

#include "engine/group_messages.h"
#include "engine_test_support.h"

namespace relaysync::core::coretest {

namespace {
const std::string kRelay4 = "relay-server4@net";


RelayGroup groupOf(const Message& message) { return GroupUpdate::fromBody(message.body).group; }

}  // namespace

class RelayMembershipTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RelayMembershipTest);
    CPPUNIT_TEST(removeRelayTellsEveryRelayTheRemovedOneAndOwnTerminals);
    CPPUNIT_TEST(aRemovedRelayIsNoLongerAskedToSynchronize);
    CPPUNIT_TEST(removeRelayRefusesWithAReason);
    CPPUNIT_TEST(aRemovalHeardFromARelayIsStoredAndPassedOn);
    CPPUNIT_TEST(aLateOlderUpdateDoesNotBringARemovedRelayBack);
    CPPUNIT_TEST(aRelayNotInTheGroupCannotRemoveAnother);
    CPPUNIT_TEST(aRemovedRelayCannotActForTheGroup);
    CPPUNIT_TEST(theRemovedRelayForgetsTheGroupAndTellsItsTerminals);
    CPPUNIT_TEST(aLeftGroupTakesBackOnlyANewerInvitation);
    CPPUNIT_TEST(leaveGroupTellsTheOthersAndForgets);
    CPPUNIT_TEST(aRemovedRelayCanBeAddedAgainWithANewerVersion);
    CPPUNIT_TEST(aTerminalDropsTheTerminalsOfARemovedRelay);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        quietLogs();
        dir_ = std::make_unique<TempDir>();
        database_ = std::make_unique<Database>(dir_->url("relay1.db"));
        relay_ = std::make_unique<RelayEngine>(*database_, kRelay1, "Branch A",
                                               RelayPolicy{{kRelay2}, {kClient11, kClient12}});
        // Group 0001@relay-server1: relay-server1 (client11, client12), -2 (client21), -3 (client31);
        // share s1 of client11 and client31.
        auto& groups = relay_->groups();
        groups.addGroup(kGroup);
        for (const auto& relay : {kRelay1, kRelay2, kRelay3}) groups.putRelay(kGroup, {relay, "R"});
        for (const auto& t : {makeTerminal(kClient11, kRelay1, 1), makeTerminal(kClient12, kRelay1, 1),
                              makeTerminal(kClient21, kRelay2, 1), makeTerminal(kClient31, kRelay3, 1)})
            groups.putTerminalIfNewer(kGroup, t);
        relay_->shares().putIfNewer({kS1, kGroup, "workspace1", kClient11, {kClient11, kClient31}, 1});
        relay_->shares().putEntryIfNewer(makeEntry(kS1, "folderA", kClient11, "c:/folderA"));
        relay_->shares().putEntryIfNewer(makeEntry(kS1, "file100.pdf", kClient31, "c:/file100.pdf", 2));
    }
    void tearDown() override {
        relay_.reset();
        database_.reset();
        dir_.reset();
    }

    void removeRelayTellsEveryRelayTheRemovedOneAndOwnTerminals() {
        const auto now = relay_->removeRelay(kRelay3, kGroup);
        CPPUNIT_ASSERT(!now.hasRelay(kRelay3));
        CPPUNIT_ASSERT((*now.findRelayRecord(kRelay3) == GroupRelay{kRelay3, "R", 2, true}));
        CPPUNIT_ASSERT(!now.findTerminal(kClient31));
        CPPUNIT_ASSERT(!relay_->groups().terminalRecord(kGroup, kClient31));
        // Its terminals' records leave with it; nobody else may speak for them.
        CPPUNIT_ASSERT(relay_->shares().recordsOf(kS1, kClient31).empty());
        CPPUNIT_ASSERT(relay_->shares().entry(kS1, "folderA"));
        const auto updates = outboxOf(*relay_, MessageType::update_group_info);
        CPPUNIT_ASSERT((destinations(updates) == std::multiset<std::string>{kRelay2, kRelay3}));
        for (const auto& update : updates) CPPUNIT_ASSERT(groupOf(update).findRelayRecord(kRelay3)->removed);
        const auto shown = outboxOf(*relay_, MessageType::group_info);
        CPPUNIT_ASSERT((destinations(shown) == std::multiset<std::string>{kClient11, kClient12}));
        CPPUNIT_ASSERT(!groupOf(shown[0]).hasRelay(kRelay3));
    }

    // s1's other member was at relay-server3: a whole-share synchronize asks client11 only.
    void aRemovedRelayIsNoLongerAskedToSynchronize() {
        relay_->removeRelay(kRelay3, kGroup);
        clearOutbox();
        const auto sync_id = relay_->synchronize(kS1, {});
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::synchronize).empty());
        CPPUNIT_ASSERT((relay_->syncs().session(sync_id)->waiting_for == std::set<std::string>{kClient11}));
    }

    void removeRelayRefusesWithAReason() {
        const auto refused = [&](const std::string& expected, auto&& command) {
            RS_ASSERT_CONTAINS(thrownMessage<CommandError>(command), expected);
        };
        refused("this relay is not in group 0009@relay-server1", [&] { relay_->removeRelay(kRelay2, "0009@relay-server1"); });
        refused("is this relay (leave-group", [&] { relay_->removeRelay(kRelay1, kGroup); });
        refused(kRelay4 + " is not a relay of group", [&] { relay_->removeRelay(kRelay4, kGroup); });
        relay_->removeRelay(kRelay3, kGroup);
        refused(kRelay3 + " is not a relay of group", [&] { relay_->removeRelay(kRelay3, kGroup); });
        refused("this relay is not in group 0009", [&] { relay_->leaveGroup("0009@relay-server1"); });
    }

    // relay-server2 removed relay-server3: this relay stores the tombstone, drops client31, and
    // shows its terminals the group; relay-server2 already holds the same, so it hears nothing.
    void aRemovalHeardFromARelayIsStoredAndPassedOn() {
        fromRelay(kRelay2, MessageType::update_group_info, groupWith({{kRelay3, "R", 2, true}}));
        const auto group = *relay_->groups().find(kGroup);
        CPPUNIT_ASSERT(!group.hasRelay(kRelay3));
        CPPUNIT_ASSERT(!group.findTerminal(kClient31));
        CPPUNIT_ASSERT(relay_->shares().recordsOf(kS1, kClient31).empty());
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::update_group_info).empty());
        CPPUNIT_ASSERT((destinations(outboxOf(*relay_, MessageType::group_info)) ==
                        std::multiset<std::string>{kClient11, kClient12}));
        CPPUNIT_ASSERT(json::requireBool(outboxOf(*relay_, MessageType::answer).back().body, "ok", "body"));

        // relay-server4 joined meanwhile by relay-server2's word: told of relay-server3 by this
        // relay too, since relay-server2's word on it did not list the tombstone.
        fromRelay(kRelay2, MessageType::update_group_info, groupWith({{kRelay4, "", 1, false}, {kRelay3, "R", 1, false}}));
        CPPUNIT_ASSERT(relay_->groups().find(kGroup)->hasRelay(kRelay4));
        const auto updates = outboxOf(*relay_, MessageType::update_group_info);
        CPPUNIT_ASSERT((destinations(updates) == std::multiset<std::string>{kRelay2, kRelay4}));
        CPPUNIT_ASSERT(groupOf(updates[0]).findRelayRecord(kRelay3)->removed);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, outboxOf(*relay_, MessageType::request_server_info).size());
    }

    void aLateOlderUpdateDoesNotBringARemovedRelayBack() {
        relay_->removeRelay(kRelay3, kGroup);
        const auto before = *relay_->groups().find(kGroup);
        clearOutbox();
        // Older, and equal (relay-server2 added it again at version 2 without having heard).
        fromRelay(kRelay2, MessageType::update_group_info, groupWith({{kRelay3, "R", 1, false}}, {makeTerminal(kClient21, kRelay2, 1)}));
        fromRelay(kRelay2, MessageType::group_info, groupWith({{kRelay3, "R", 2, false}}));
        const auto after = *relay_->groups().find(kGroup);
        CPPUNIT_ASSERT(!after.hasRelay(kRelay3));
        CPPUNIT_ASSERT((*after.findRelayRecord(kRelay3) == *before.findRelayRecord(kRelay3)));
        CPPUNIT_ASSERT(!relay_->groups().terminalRecord(kGroup, kClient31));
        for (const auto& message : outboxOf(*relay_)) CPPUNIT_ASSERT(message.type == MessageType::answer);
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::request_server_info).empty());
    }

    // relay-server4 was never in the group: its word waits (it might be added yet) and changes
    // nothing meanwhile.
    void aRelayNotInTheGroupCannotRemoveAnother() {
        const auto before = *relay_->groups().find(kGroup);
        fromRelay(kRelay4, MessageType::update_group_info,
                  groupWith({{kRelay2, "R", 2, true}, {kRelay4, "", 1, false}}));
        const auto after = *relay_->groups().find(kGroup);
        CPPUNIT_ASSERT(after.hasRelay(kRelay2) && !after.hasRelay(kRelay4));
        CPPUNIT_ASSERT(after.findTerminal(kClient21));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, relay_->messages().deferred().size());
        CPPUNIT_ASSERT(relay_->messages().outbox().empty());
    }

    // Once removed here, relay-server3 is refused whatever it says of the group.
    void aRemovedRelayCannotActForTheGroup() {
        relay_->removeRelay(kRelay3, kGroup);
        const auto before = *relay_->groups().find(kGroup);
        clearOutbox();
        fromRelay(kRelay3, MessageType::update_group_info, groupWith({{kRelay2, "R", 2, true}, {kRelay3, "R", 3, false}}));
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), kRelay3 + " was removed from group " + kGroup);
        fromRelay(kRelay3, MessageType::add_group_info,
                  TerminalChange{kGroup, makeTerminal("client32@relay-server3.net", kRelay3, 1)}.toBody());
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "was removed from group");
        Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
        request->set("group_id", kGroup);
        request->set("relay", toJson(GroupRelay{kRelay3, "R", 3, false}));
        fromRelay(kRelay3, MessageType::request_server_info, request);
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "was removed from group");
        const auto after = *relay_->groups().find(kGroup);
        CPPUNIT_ASSERT(after.hasRelay(kRelay2) && !after.hasRelay(kRelay3));
        CPPUNIT_ASSERT(!relay_->groups().terminalRecord(kGroup, "client32@relay-server3.net"));
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::server_info).empty());
        CPPUNIT_ASSERT(relay_->messages().deferred().empty());
        // Its own removal, passed on as it goes, is taken quietly.
        clearOutbox();
        fromRelay(kRelay3, MessageType::update_group_info, groupWith({{kRelay3, "R", 2, true}}));
        CPPUNIT_ASSERT(json::requireBool(outboxOf(*relay_, MessageType::answer).back().body, "ok", "body"));
    }

    // relay-server2 removes this relay: it passes that on to relay-server3, withdraws its own
    // terminals (which forget the group), forgets the group and its shares.
    void theRemovedRelayForgetsTheGroupAndTellsItsTerminals() {
        fromRelay(kRelay2, MessageType::update_group_info, groupWith({{kRelay1, "R", 2, true}}));
        CPPUNIT_ASSERT(!relay_->groups().exists(kGroup));
        CPPUNIT_ASSERT(!relay_->shares().record(kS1));
        CPPUNIT_ASSERT(relay_->shares().entriesWithTombstones(kS1).empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, *relay_->groups().leftVersion(kGroup));
        const auto withdrawals = outboxOf(*relay_, MessageType::delete_group_info);
        CPPUNIT_ASSERT((destinations(withdrawals) == std::multiset<std::string>{kClient11, kClient12}));
        for (const auto& withdrawal : withdrawals) {
            const auto change = TerminalChange::fromBody(withdrawal.body);
            CPPUNIT_ASSERT(change.terminal.removed);
            CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, change.terminal.version);
        }
        const auto updates = outboxOf(*relay_, MessageType::update_group_info);
        CPPUNIT_ASSERT((destinations(updates) == std::multiset<std::string>{kRelay3}));
        CPPUNIT_ASSERT(groupOf(updates[0]).findRelayRecord(kRelay1)->removed);
    }

    void aLeftGroupTakesBackOnlyANewerInvitation() {
        fromRelay(kRelay2, MessageType::update_group_info, groupWith({{kRelay1, "R", 2, true}}));
        clearOutbox();
        // A late copy of the first invitation (this relay at version 1, and 2 as a live record).
        for (const std::int64_t version : {1, 2}) {
            fromRelay(kRelay2, MessageType::group_info, invitation(version));
            RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "only a newer invitation brings it back");
        }
        CPPUNIT_ASSERT(!relay_->groups().exists(kGroup));
        CPPUNIT_ASSERT(relay_->invitations().empty());
        // Added again by relay-server2 (version 3): joined, as the profile accepts its invitations.
        fromRelay(kRelay2, MessageType::group_info, invitation(3));
        CPPUNIT_ASSERT(relay_->groups().find(kGroup)->hasRelay(kRelay1));
        CPPUNIT_ASSERT(!relay_->groups().leftVersion(kGroup));
    }

    void leaveGroupTellsTheOthersAndForgets() {
        const auto tombstone = relay_->leaveGroup(kGroup);
        CPPUNIT_ASSERT((tombstone == GroupRelay{kRelay1, "Branch A", 2, true}));
        CPPUNIT_ASSERT(!relay_->groups().exists(kGroup));
        CPPUNIT_ASSERT(!relay_->shares().record(kS1));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, *relay_->groups().leftVersion(kGroup));
        const auto updates = outboxOf(*relay_, MessageType::update_group_info);
        CPPUNIT_ASSERT((destinations(updates) == std::multiset<std::string>{kRelay2, kRelay3}));
        CPPUNIT_ASSERT(groupOf(updates[0]).findRelayRecord(kRelay1)->removed);
        CPPUNIT_ASSERT((destinations(outboxOf(*relay_, MessageType::delete_group_info)) ==
                        std::multiset<std::string>{kClient11, kClient12}));
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::group_info).empty());
        CPPUNIT_ASSERT_THROW(relay_->leaveGroup(kGroup), CommandError);
        // A group id this relay left is never given to a new group.
        relay_->groups().removeGroup("0002@relay-server1");
        CPPUNIT_ASSERT(relay_->createGroup(std::nullopt) != kGroup);
    }

    void aRemovedRelayCanBeAddedAgainWithANewerVersion() {
        relay_->removeRelay(kRelay3, kGroup);
        clearOutbox();
        relay_->addGroup(kRelay3, kGroup);
        const auto group = *relay_->groups().find(kGroup);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, group.findRelay(kRelay3)->version);
        // The invitation, and this relay's terminals see the group as it is now.
        const auto infos = outboxOf(*relay_, MessageType::group_info);
        CPPUNIT_ASSERT((destinations(infos) == std::multiset<std::string>{kRelay3, kClient11, kClient12}));
        for (const auto& info : infos) CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, groupOf(info).findRelay(kRelay3)->version);
        CPPUNIT_ASSERT((destinations(outboxOf(*relay_, MessageType::update_group_info)) ==
                        std::multiset<std::string>{kRelay2}));
    }

    // At a terminal, group-info from its relay with relay-server2 removed drops client21 and
    // its records.
    void aTerminalDropsTheTerminalsOfARemovedRelay() {
        TerminalHarness terminal(*dir_);
        terminal.joinGroup();
        const auto share_id = terminal.engine->createShare(kGroup, "workspace1", {kClient21});
        terminal.fromRelay(MessageType::update_resource_info, kRelay1 + "#2",
                           entriesBody(share_id, {makeEntry(share_id, "budget", kClient21, "c:/budget")}));
        CPPUNIT_ASSERT(terminal.engine->shares().entry(share_id, "budget"));
        terminal.fromRelay(MessageType::group_info, kRelay1 + "#3",
                           groupInfoBody(kGroup, {{kRelay1, "Branch A"}, {kRelay2, "Branch B", 2, true}},
                                         {makeTerminal(kClient11, kRelay1, 1), makeTerminal(kClient12, kRelay1, 1)}));
        const auto group = *terminal.engine->groups().find(kGroup);
        CPPUNIT_ASSERT(!group.hasRelay(kRelay2));
        CPPUNIT_ASSERT(!group.findTerminal(kClient21));
        CPPUNIT_ASSERT(group.findTerminal(kClient12));
        CPPUNIT_ASSERT(terminal.engine->shares().recordsOf(share_id, kClient21).empty());
    }

private:
    // The group as stored here, with `records` merged over its relays and `terminals` as given.
    Poco::JSON::Object::Ptr groupWith(const std::vector<GroupRelay>& records,
                                      std::vector<ShareableTerminal> terminals = {}) {
        auto group = *relay_->groups().find(kGroup);
        group.terminals = std::move(terminals);
        for (const auto& record : records) {
            auto& list = group.relays;
            list.erase(std::remove_if(list.begin(), list.end(), [&](const GroupRelay& r) { return r.account == record.account; }),
                       list.end());
            auto& gone = group.removed_relays;
            gone.erase(std::remove_if(gone.begin(), gone.end(), [&](const GroupRelay& r) { return r.account == record.account; }),
                       gone.end());
            (record.removed ? gone : list).push_back(record);
        }
        return GroupUpdate{group}.toBody();
    }

    // relay-server2 invites this relay into kGroup with its record at `version`.
    Poco::JSON::Object::Ptr invitation(std::int64_t version) {
        RelayGroup group;
        group.id = kGroup;
        group.relays = {{kRelay1, "", version, false}, {kRelay2, "R", 1, false}};
        group.terminals = {makeTerminal(kClient21, kRelay2, 1)};
        return GroupUpdate{group}.toBody();
    }

    void fromRelay(const std::string& from, MessageType type, Poco::JSON::Object::Ptr body) {
        relay_->receive(peer(from), makePayload(type, from + "#" + std::to_string(++ids_), from, kRelay1, std::move(body)));
    }

    void clearOutbox() {
        for (const auto& item : relay_->messages().outbox()) relay_->messages().removeFromOutbox(item.seq);
    }

    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<RelayEngine> relay_;
    int ids_ = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RelayMembershipTest);

}  // namespace relaysync::core::coretest
