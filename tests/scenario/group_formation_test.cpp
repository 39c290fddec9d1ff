// Fig. 10 and 11: relay groups and resource-shareable terminals, as every node stores them.
#include <cppunit/extensions/HelperMacros.h>

#include "scenario_steps.h"

namespace relaysync::test {

class GroupFormationTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GroupFormationTest);
    CPPUNIT_TEST(group1IsIdenticalAtEveryMemberRelay);
    CPPUNIT_TEST(group2StaysAtR3);
    CPPUNIT_TEST(terminalsGetTheGroupInfoOfTheirGroups);
    CPPUNIT_TEST(deleteTerminalRemovesItEverywhere);
    CPPUNIT_TEST(operatorMistakesAreRefusedWithAReason);
    CPPUNIT_TEST_SUITE_END();

public:
    void group1IsIdenticalAtEveryMemberRelay() {
        FourSites sites;
        const auto groups = formGroups(sites);
        CPPUNIT_ASSERT_EQUAL(std::string("0001@relay-server1"), groups.group1);
        const auto at_r1 = groupAt(sites, "R1", groups.group1);
        CPPUNIT_ASSERT(at_r1);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), at_r1->relays.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Tokyo"), at_r1->findRelay(FourSites::account("R1"))->display_name);
        CPPUNIT_ASSERT_EQUAL(std::string("Osaka"), at_r1->findRelay(FourSites::account("R2"))->display_name);
        CPPUNIT_ASSERT_EQUAL(std::string("Nagoya"), at_r1->findRelay(FourSites::account("R3"))->display_name);
        std::vector<std::string> terminals;
        for (const auto& t : at_r1->terminals) terminals.push_back(FourSites::shortName(t.account));
        CPPUNIT_ASSERT((terminals == std::vector<std::string>{"client11", "client12", "client21", "client22", "client31"}));
        CPPUNIT_ASSERT_EQUAL(FourSites::account("R2"), *at_r1->relayOf(FourSites::account("client22")));
        CPPUNIT_ASSERT_EQUAL(std::string("Accounting"), at_r1->findTerminal(FourSites::account("client22"))->department);

        // Every relay of the group holds the same group information (Fig. 6).
        const auto dump_r1 = groupDump(sites, "R1", groups.group1);
        CPPUNIT_ASSERT_EQUAL(dump_r1, groupDump(sites, "R2", groups.group1));
        CPPUNIT_ASSERT_EQUAL(dump_r1, groupDump(sites, "R3", groups.group1));
        CPPUNIT_ASSERT(!groupAt(sites, "R4", groups.group1));
    }

    void group2StaysAtR3() {
        FourSites sites;
        const auto groups = formGroups(sites);
        const auto at_r3 = groupAt(sites, "R3", groups.group2);
        CPPUNIT_ASSERT(at_r3);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), at_r3->relays.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), at_r3->terminals.size());
        for (const auto& other : {"R1", "R2", "R4"}) CPPUNIT_ASSERT(!groupAt(sites, other, groups.group2));
    }

    void terminalsGetTheGroupInfoOfTheirGroups() {
        FourSites sites;
        const auto groups = formGroups(sites);
        const auto relay_view = groupDump(sites, "R1", groups.group1);
        for (const auto& t : {"client11", "client12", "client21", "client22", "client31"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(t, relay_view, groupDump(sites, t, groups.group1));
        CPPUNIT_ASSERT_EQUAL(groupDump(sites, "R3", groups.group2), groupDump(sites, "client31", groups.group2));
        CPPUNIT_ASSERT_EQUAL(groupDump(sites, "R3", groups.group2), groupDump(sites, "client32", groups.group2));
        CPPUNIT_ASSERT(!groupAt(sites, "client32", groups.group1));
        for (const auto& t : {"client41", "client42"}) CPPUNIT_ASSERT_EQUAL(std::string(), sites.dump(t));
    }

    void deleteTerminalRemovesItEverywhere() {
        FourSites sites;
        const auto groups = formGroups(sites);
        sites.node("R2").withRelay([&](core::RelayEngine& r2) {
            r2.deleteTerminal(groups.group1, FourSites::account("client22"));
        });
        sites.settle();
        for (const auto& node : {"R1", "R2", "R3", "client11", "client12", "client21", "client31"}) {
            const auto group = groupAt(sites, node, groups.group1);
            CPPUNIT_ASSERT_MESSAGE(node, group);
            CPPUNIT_ASSERT_MESSAGE(node, !group->findTerminal(FourSites::account("client22")));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::size_t(4), group->terminals.size());
        }
        CPPUNIT_ASSERT(!groupAt(sites, "client22", groups.group1));
        // And it can be admitted again, with a newer version than its tombstone.
        sites.node("R2").withRelay([&](core::RelayEngine& r2) {
            r2.addTerminal(groups.group1, FourSites::account("client22"), "PC 22", "Accounting");
        });
        sites.settle();
        CPPUNIT_ASSERT(groupAt(sites, "R1", groups.group1)->findTerminal(FourSites::account("client22")));
        CPPUNIT_ASSERT(groupAt(sites, "client22", groups.group1));
    }

    void operatorMistakesAreRefusedWithAReason() {
        FourSites sites;
        const auto groups = formGroups(sites);
        expectCommandError("not in group", [&] {
            sites.node("R4").withRelay([&](core::RelayEngine& r4) { r4.addGroup(FourSites::account("R1"), groups.group1); });
        });
        expectCommandError("already in group", [&] {
            sites.node("R1").withRelay([&](core::RelayEngine& r1) { r1.addGroup(FourSites::account("R2"), groups.group1); });
        });
        expectCommandError("belongs to", [&] {
            sites.node("R1").withRelay([&](core::RelayEngine& r1) {
                r1.deleteTerminal(groups.group1, FourSites::account("client21"));
            });
        });
        expectCommandError("this relay itself", [&] {
            sites.node("R1").withRelay([&](core::RelayEngine& r1) { r1.createGroup(FourSites::account("R1")); });
        });
    }

private:
    static std::string groupDump(FourSites& sites, const std::string& node, const std::string& group_id) {
        const auto group = groupAt(sites, node, group_id);
        if (!group) return "(none)";
        std::string out;
        for (const auto& r : group->relays) out += r.account + "=" + r.display_name + ";";
        for (const auto& t : group->terminals)
            out += t.account + "@" + t.relay + "/" + t.display_name + "/" + t.department + "/v" + std::to_string(t.version) + ";";
        return out;
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GroupFormationTest);

}  // namespace relaysync::test
