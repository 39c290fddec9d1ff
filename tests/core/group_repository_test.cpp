// Relay group information as stored: relays, admitted terminals, and the version rules that
// keep a late or repeated message from rolling a terminal's record back.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

#include "core_test_support.h"
#include "persistence/group_repository.h"

namespace relaysync::core::coretest {

namespace {
const std::string kGroup = "0001@relay-server1";
}

class GroupRepositoryTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GroupRepositoryTest);
    CPPUNIT_TEST(unknownGroupIsNotFound);
    CPPUNIT_TEST(addGroupIsIdempotentAndIdsAreSorted);
    CPPUNIT_TEST(putRelayFillsInButNeverClearsTheDisplayName);
    CPPUNIT_TEST(newerTerminalVersionReplacesTheRecord);
    CPPUNIT_TEST(olderOrEqualTerminalVersionIsIgnored);
    CPPUNIT_TEST(tombstoneHidesTerminalFromFindButKeepsItsRecord);
    CPPUNIT_TEST(lateAdmissionCannotReviveATombstone);
    CPPUNIT_TEST(readmissionWithNewerVersionRevives);
    CPPUNIT_TEST(removeGroupForgetsEverythingOfThatGroupOnly);
    CPPUNIT_TEST(terminalsAreKeptPerGroup);
    CPPUNIT_TEST(aRemovedRelayIsKeptAsATombstoneAndItsTerminalsGo);
    CPPUNIT_TEST(relayRecordsConvergeInEveryOrder);
    CPPUNIT_TEST(leftGroupsKeepTheTombstonesVersion);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        dir_ = std::make_unique<TempDir>();
        database_ = std::make_unique<Database>(dir_->url());
        groups_ = std::make_unique<GroupRepository>(*database_);
    }
    void tearDown() override {
        groups_.reset();
        database_.reset();
        dir_.reset();
    }

    void unknownGroupIsNotFound() {
        CPPUNIT_ASSERT(!groups_->find(kGroup).has_value());
        CPPUNIT_ASSERT(!groups_->exists(kGroup));
        CPPUNIT_ASSERT(!groups_->terminalRecord(kGroup, kClient11).has_value());
        CPPUNIT_ASSERT(groups_->groupIds().empty());
    }

    void addGroupIsIdempotentAndIdsAreSorted() {
        groups_->addGroup("0002@relay-server1");
        groups_->addGroup(kGroup);
        groups_->addGroup(kGroup);
        CPPUNIT_ASSERT((groups_->groupIds() == std::vector<std::string>{kGroup, "0002@relay-server1"}));
        const auto group = groups_->find(kGroup);
        CPPUNIT_ASSERT(group.has_value());
        CPPUNIT_ASSERT_EQUAL(kGroup, group->id);
        CPPUNIT_ASSERT(group->relays.empty());
        CPPUNIT_ASSERT(group->terminals.empty());
    }

    void putRelayFillsInButNeverClearsTheDisplayName() {
        groups_->addGroup(kGroup);
        groups_->putRelay(kGroup, {kRelay2, ""});
        CPPUNIT_ASSERT_EQUAL(std::string(), groups_->find(kGroup)->findRelay(kRelay2)->display_name);
        groups_->putRelay(kGroup, {kRelay2, "Branch B"});
        CPPUNIT_ASSERT_EQUAL(std::string("Branch B"), groups_->find(kGroup)->findRelay(kRelay2)->display_name);
        groups_->putRelay(kGroup, {kRelay2, ""});
        CPPUNIT_ASSERT_EQUAL(std::string("Branch B"), groups_->find(kGroup)->findRelay(kRelay2)->display_name);
        groups_->putRelay(kGroup, {kRelay1, "Branch A"});
        const auto group = *groups_->find(kGroup);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, group.relays.size());
        CPPUNIT_ASSERT_EQUAL(kRelay1, group.relays[0].account);  // ordered by account
    }

    void newerTerminalVersionReplacesTheRecord() {
        groups_->addGroup(kGroup);
        CPPUNIT_ASSERT(groups_->putTerminalIfNewer(kGroup, makeTerminal(kClient11, kRelay1, 1)));
        auto renamed = makeTerminal(kClient11, kRelay1, 2);
        renamed.department = "Accounting";
        CPPUNIT_ASSERT(groups_->putTerminalIfNewer(kGroup, renamed));
        const auto group = groups_->find(kGroup);
        const auto* stored = group->findTerminal(kClient11);
        CPPUNIT_ASSERT(stored != nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("Accounting"), stored->department);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, stored->version);
        CPPUNIT_ASSERT_EQUAL(kRelay1, stored->relay);
    }

    void olderOrEqualTerminalVersionIsIgnored() {
        groups_->addGroup(kGroup);
        auto current = makeTerminal(kClient11, kRelay1, 5);
        current.department = "current";
        CPPUNIT_ASSERT(groups_->putTerminalIfNewer(kGroup, current));
        auto same = makeTerminal(kClient11, kRelay1, 5);
        same.department = "same version";
        CPPUNIT_ASSERT(!groups_->putTerminalIfNewer(kGroup, same));
        auto older = makeTerminal(kClient11, kRelay1, 4);
        older.department = "older";
        CPPUNIT_ASSERT(!groups_->putTerminalIfNewer(kGroup, older));
        CPPUNIT_ASSERT_EQUAL(std::string("current"), groups_->terminalRecord(kGroup, kClient11)->department);
    }

    void tombstoneHidesTerminalFromFindButKeepsItsRecord() {
        groups_->addGroup(kGroup);
        groups_->putTerminalIfNewer(kGroup, makeTerminal(kClient11, kRelay1, 1));
        groups_->putTerminalIfNewer(kGroup, makeTerminal(kClient12, kRelay1, 1));
        CPPUNIT_ASSERT(groups_->putTerminalIfNewer(kGroup, makeTerminal(kClient11, kRelay1, 2, true)));

        const auto group = *groups_->find(kGroup);
        CPPUNIT_ASSERT(group.findTerminal(kClient11) == nullptr);
        CPPUNIT_ASSERT(group.findTerminal(kClient12) != nullptr);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, group.terminals.size());
        const auto record = groups_->terminalRecord(kGroup, kClient11);
        CPPUNIT_ASSERT(record.has_value());
        CPPUNIT_ASSERT(record->removed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, record->version);
    }

    void lateAdmissionCannotReviveATombstone() {
        groups_->addGroup(kGroup);
        groups_->putTerminalIfNewer(kGroup, makeTerminal(kClient11, kRelay1, 2, true));
        CPPUNIT_ASSERT(!groups_->putTerminalIfNewer(kGroup, makeTerminal(kClient11, kRelay1, 1)));
        CPPUNIT_ASSERT(!groups_->putTerminalIfNewer(kGroup, makeTerminal(kClient11, kRelay1, 2)));
        CPPUNIT_ASSERT(groups_->find(kGroup)->findTerminal(kClient11) == nullptr);
    }

    void readmissionWithNewerVersionRevives() {
        groups_->addGroup(kGroup);
        groups_->putTerminalIfNewer(kGroup, makeTerminal(kClient11, kRelay1, 2, true));
        CPPUNIT_ASSERT(groups_->putTerminalIfNewer(kGroup, makeTerminal(kClient11, kRelay1, 3)));
        CPPUNIT_ASSERT(groups_->find(kGroup)->findTerminal(kClient11) != nullptr);
        CPPUNIT_ASSERT(!groups_->terminalRecord(kGroup, kClient11)->removed);
    }

    void removeGroupForgetsEverythingOfThatGroupOnly() {
        for (const auto& id : {kGroup, std::string("0002@relay-server1")}) {
            groups_->addGroup(id);
            groups_->putRelay(id, {kRelay1, "Branch A"});
            groups_->putTerminalIfNewer(id, makeTerminal(kClient11, kRelay1, 1));
        }
        groups_->removeGroup(kGroup);
        CPPUNIT_ASSERT(!groups_->exists(kGroup));
        CPPUNIT_ASSERT(!groups_->terminalRecord(kGroup, kClient11).has_value());
        CPPUNIT_ASSERT((groups_->groupIds() == std::vector<std::string>{"0002@relay-server1"}));
        const auto other = groups_->find("0002@relay-server1");
        CPPUNIT_ASSERT(other.has_value());
        CPPUNIT_ASSERT(other->findTerminal(kClient11) != nullptr);
        CPPUNIT_ASSERT(other->hasRelay(kRelay1));
        // Re-joining starts clean: no relay left over from before.
        groups_->addGroup(kGroup);
        CPPUNIT_ASSERT(groups_->find(kGroup)->relays.empty());
    }

    void terminalsAreKeptPerGroup() {
        groups_->addGroup(kGroup);
        groups_->addGroup("0002@relay-server1");
        groups_->putTerminalIfNewer(kGroup, makeTerminal(kClient11, kRelay1, 7));
        // Version 1 in another group is a different record, not an older one.
        CPPUNIT_ASSERT(groups_->putTerminalIfNewer("0002@relay-server1", makeTerminal(kClient11, kRelay1, 1)));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{7}, groups_->terminalRecord(kGroup, kClient11)->version);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, groups_->terminalRecord("0002@relay-server1", kClient11)->version);
    }

    // relay-server2 is removed: its record stays, hidden from the group's relays, and the
    // terminals registered at it leave with it. Only a newer record brings it back.
    void aRemovedRelayIsKeptAsATombstoneAndItsTerminalsGo() {
        groups_->addGroup(kGroup);
        groups_->putRelay(kGroup, {kRelay1, "Branch A"});
        CPPUNIT_ASSERT(groups_->putRelay(kGroup, {kRelay2, "Branch B"}));
        groups_->putTerminalIfNewer(kGroup, makeTerminal(kClient11, kRelay1, 1));
        groups_->putTerminalIfNewer(kGroup, makeTerminal(kClient21, kRelay2, 3));
        CPPUNIT_ASSERT(groups_->putRelay(kGroup, {kRelay2, "", 2, true}));
        const auto group = *groups_->find(kGroup);
        CPPUNIT_ASSERT(!group.hasRelay(kRelay2));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, group.removed_relays.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Branch B"), group.findRelayRecord(kRelay2)->display_name);
        CPPUNIT_ASSERT(!groups_->terminalRecord(kGroup, kClient21));
        CPPUNIT_ASSERT(group.findTerminal(kClient11));
        // Neither a late live record nor its display name changes the tombstone.
        CPPUNIT_ASSERT(!groups_->putRelay(kGroup, {kRelay2, "Osaka", 2, false}));
        CPPUNIT_ASSERT(!groups_->putRelay(kGroup, {kRelay2, "Osaka", 1, false}));
        groups_->setRelayDisplayName(kGroup, kRelay2, "Osaka");
        CPPUNIT_ASSERT((*groups_->relayRecord(kGroup, kRelay2) == GroupRelay{kRelay2, "Branch B", 2, true}));
        CPPUNIT_ASSERT(groups_->putRelay(kGroup, {kRelay2, "", 3, false}));
        CPPUNIT_ASSERT(groups_->find(kGroup)->hasRelay(kRelay2));
        CPPUNIT_ASSERT_EQUAL(std::string("Branch B"), groups_->find(kGroup)->findRelay(kRelay2)->display_name);
    }

    // Relays of the group write relay-server2's record concurrently: removed at version 2 by two
    // of them, added again at version 2 by a third that had not heard, again at 3. Every order
    // of arrival ends with the same record.
    void relayRecordsConvergeInEveryOrder() {
        std::vector<GroupRelay> writes{{kRelay2, "Branch B", 1, false},
                                       {kRelay2, "", 2, true},
                                       {kRelay2, "", 2, true},
                                       {kRelay2, "", 2, false},
                                       {kRelay2, "", 3, true}};
        std::vector<std::size_t> order(writes.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        const GroupRelay expected{kRelay2, "Branch B", 3, true};
        int group_number = 0;
        do {
            const auto group = "g" + std::to_string(++group_number);
            groups_->addGroup(group);
            for (const auto i : order) groups_->putRelay(group, writes[i]);
            const auto stored = *groups_->relayRecord(group, kRelay2);
            CPPUNIT_ASSERT_EQUAL(expected.version, stored.version);
            CPPUNIT_ASSERT(stored.removed);
        } while (std::next_permutation(order.begin(), order.end()));
        // Without the version-3 removal, the version-2 removal wins over the re-addition at 2.
        groups_->addGroup("tie");
        for (const auto& write : {writes[3], writes[1]}) groups_->putRelay("tie", write);
        CPPUNIT_ASSERT(groups_->relayRecord("tie", kRelay2)->removed);
    }

    void leftGroupsKeepTheTombstonesVersion() {
        CPPUNIT_ASSERT(!groups_->leftVersion(kGroup));
        groups_->markLeft(kGroup, 4);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, *groups_->leftVersion(kGroup));
        groups_->markLeft(kGroup, 6);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{6}, *groups_->leftVersion(kGroup));
        groups_->forgetLeft(kGroup);
        CPPUNIT_ASSERT(!groups_->leftVersion(kGroup));
    }

private:
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<GroupRepository> groups_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(GroupRepositoryTest);

}  // namespace relaysync::core::coretest
