// A relay taken out of a group, over the four sites: removed by another relay's operator or
// leaving by its own. Every relay and terminal of the group ends with the same relay records,
// the removed relay's terminals and their resources gone; the removed relay and its terminals
// forget the group; nothing late brings it back, and it may be added again.
#include <cppunit/extensions/HelperMacros.h>

#include <map>

#include "protocol/codec.h"
#include "scenario_steps.h"

namespace relaysync::test {

namespace {

using core::RelayEngine;

const std::vector<std::string> kStaying{"R1", "R2", "client11", "client12", "client21", "client22"};

// A group as a node stores it: relay records with versions, tombstones, admitted terminals.
std::string groupText(FourSites& sites, const std::string& node, const std::string& group_id) {
    const auto group = groupAt(sites, node, group_id);
    if (!group) return "(none)";
    std::string text;
    for (const auto& r : group->relays) text += r.account + " v" + std::to_string(r.version) + ";";
    for (const auto& r : group->removed_relays) text += r.account + " removed v" + std::to_string(r.version) + ";";
    for (const auto& t : group->terminals) text += t.account + "@" + t.relay + " v" + std::to_string(t.version) + ";";
    return text;
}

std::string entriesText(FourSites& sites, const std::string& node, const std::string& share_id) {
    return sites.node(node).withEngine([&](core::EngineBase& engine) {
        std::string text;
        for (const auto& e : engine.shares().entriesWithTombstones(share_id))
            text += e.name + "|" + FourSites::shortName(e.owner) + "|v" + std::to_string(e.version) + "\n";
        return text;
    });
}

std::optional<std::int64_t> leftVersionAt(FourSites& sites, const std::string& relay, const std::string& group_id) {
    return sites.node(relay).withEngine([&](core::EngineBase& engine) { return engine.groups().leftVersion(group_id); });
}

core::InProcessNetwork::Delivery firstCarried(FourSites& sites, core::MessageType type, const std::string& from,
                                              const std::string& to) {
    for (const auto& delivery : sites.network().carried())
        if (delivery.from == FourSites::account(from) && delivery.to == FourSites::account(to) &&
            core::decode(delivery.payload).type == type)
            return delivery;
    throw std::runtime_error("no such message was carried");
}

std::map<std::string, std::string> dumpAll(FourSites& sites) {
    std::map<std::string, std::string> dumps;
    for (const auto& node : FourSites::allNames()) dumps[node] = sites.dump(node);
    return dumps;
}

// R4 is invited into group 1 by R1 while R2 removes R3 from it, nothing settled in between;
// then R4 admits client41, and client11 synchronizes workspace1.
void removalWhileAddingStory(FourSites& sites) {
    putEntities(sites);
    const auto groups = formGroups(sites);
    const auto shares = shareResources(sites, groups);
    sites.node("R1").withRelay([&](RelayEngine& r1) { r1.addGroup(FourSites::account("R4"), groups.group1); });
    sites.node("R2").withRelay([&](RelayEngine& r2) { r2.removeRelay(FourSites::account("R3"), groups.group1); });
    sites.settle();
    sites.node("R4").withRelay([&](RelayEngine& r4) {
        r4.addTerminal(groups.group1, FourSites::account("client41"), "PC 41", "Sales");
    });
    sites.settle();
    synchronize(sites, "client11", shares.workspace1);
}

}  // namespace

class RelayRemovalTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RelayRemovalTest);
    CPPUNIT_TEST(aRemovedRelayIsGoneFromTheGroupAtEveryNode);
    CPPUNIT_TEST(aRelayThatLeavesIsGoneFromTheGroupAtEveryNode);
    CPPUNIT_TEST(lateGroupMessagesDoNotBringItBack);
    CPPUNIT_TEST(aRemovedRelayCanBeAddedAgain);
    CPPUNIT_TEST(removalConvergesWhateverTheOrderAndDuplicationOfMessages);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        world_ = std::make_unique<SharedSites>();
        groups_ = world_->groups;
        shares_ = world_->shares;
    }
    void tearDown() override { world_.reset(); }

    void aRemovedRelayIsGoneFromTheGroupAtEveryNode() {
        sites().node("R2").withRelay([&](RelayEngine& r2) { r2.removeRelay(FourSites::account("R3"), groups_.group1); });
        sites().settle();
        assertR3IsOut(2);
    }

    void aRelayThatLeavesIsGoneFromTheGroupAtEveryNode() {
        const auto tombstone =
            sites().node("R3").withRelay([&](RelayEngine& r3) { return r3.leaveGroup(groups_.group1); });
        sites().settle();
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, tombstone.version);
        assertR3IsOut(2);
    }

    // The invitation of R3 and R1's word to R2 about it, both from the group's forming, arrive
    // again after R3 was removed: R2 keeps R3's tombstone, R3 keeps out.
    void lateGroupMessagesDoNotBringItBack() {
        const auto invitation = firstCarried(sites(), core::MessageType::group_info, "R1", "R3");
        const auto update = firstCarried(sites(), core::MessageType::update_group_info, "R1", "R2");
        const auto admission = firstCarried(sites(), core::MessageType::add_group_info, "R3", "R1");
        sites().node("R1").withRelay([&](RelayEngine& r1) { r1.removeRelay(FourSites::account("R3"), groups_.group1); });
        sites().settle();
        for (const auto& late : {invitation, update, admission}) replay(sites(), late, "late");
        assertR3IsOut(2);
    }

    // R1 invites R3 back (version 3); R3 admits client31 afresh, and client31 gets workspace1
    // again (it is still a member): R3 asks the creator's relay for it during a synchronize.
    void aRemovedRelayCanBeAddedAgain() {
        sites().node("R2").withRelay([&](RelayEngine& r2) { r2.removeRelay(FourSites::account("R3"), groups_.group1); });
        sites().settle();
        sites().node("R1").withRelay([&](RelayEngine& r1) { r1.addGroup(FourSites::account("R3"), groups_.group1); });
        sites().settle();
        sites().node("R3").withRelay([&](RelayEngine& r3) {
            r3.addTerminal(groups_.group1, FourSites::account("client31"), "PC 31", "Engineering");
        });
        sites().settle();
        const auto expected = groupText(sites(), "R1", groups_.group1);
        CPPUNIT_ASSERT_MESSAGE(expected, expected.find(FourSites::account("R3") + " v3") != std::string::npos);
        for (const auto& node : {"R2", "R3", "client11", "client22", "client31"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, expected, groupText(sites(), node, groups_.group1));
        CPPUNIT_ASSERT(!leftVersionAt(sites(), "R3", groups_.group1));

        synchronize(sites(), "client11", shares_.workspace1);
        CPPUNIT_ASSERT(shareAt(sites(), "client31", shares_.workspace1));
        sites().disk("client31").putFile("again.txt", 3, 33'000);
        sites().node("client31").withTerminal(
            [&](core::TerminalEngine& t) { t.addResource(shares_.workspace1, "again.txt", "c:/again.txt"); });
        sites().settle();
        for (const auto& node : {"R1", "R2", "client11", "client22"}) {
            const auto entry = entryAt(sites(), node, shares_.workspace1, "again.txt");
            CPPUNIT_ASSERT_MESSAGE(node, entry && entry->version == 1);
        }
    }

    void removalConvergesWhateverTheOrderAndDuplicationOfMessages() {
        FourSites reference;
        removalWhileAddingStory(reference);
        const auto expected = dumpAll(reference);
        CPPUNIT_ASSERT(expected.at("R4").find("removed relay " + FourSites::account("R3")) != std::string::npos);
        CPPUNIT_ASSERT(expected.at("client41").find("removed relay " + FourSites::account("R3")) != std::string::npos);
        CPPUNIT_ASSERT(expected.at("R3").find(groups_.group1) == std::string::npos);
        for (unsigned seed : {1u, 2u, 3u, 4u, 5u, 6u}) {
            FourSites sites;
            sites.network().setShuffle(seed);
            sites.network().setDuplicate(seed % 2 == 0);
            removalWhileAddingStory(sites);
            for (const auto& [node, dump] : expected)
                CPPUNIT_ASSERT_EQUAL_MESSAGE("seed " + std::to_string(seed) + ", node " + node, dump, sites.dump(node));
        }
    }

private:
    FourSites& sites() { return world_->sites; }

    // Group 1 without R3 (its tombstone at `version`) at R1, R2 and their terminals; client31 and
    // its resources gone from it and from workspace1; R3 and client31 know only group 2; a
    // synchronize of workspace1 no longer reaches them.
    void assertR3IsOut(std::int64_t version) {
        const auto expected = groupText(sites(), "R1", groups_.group1);
        CPPUNIT_ASSERT_MESSAGE(expected, expected.find(FourSites::account("R3") + " removed v" + std::to_string(version)) !=
                                             std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(expected, expected.find("client31") == std::string::npos);
        const auto entries = entriesText(sites(), "R1", shares_.workspace1);
        CPPUNIT_ASSERT_MESSAGE(entries, entries.find("client31") == std::string::npos && entries.find("folderA") != std::string::npos);
        for (const auto& node : kStaying) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, expected, groupText(sites(), node, groups_.group1));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, entries, entriesText(sites(), node, shares_.workspace1));
        }
        for (const auto& away : {"R3", "client31"}) {
            CPPUNIT_ASSERT_MESSAGE(away, !groupAt(sites(), away, groups_.group1));
            CPPUNIT_ASSERT_MESSAGE(away, !shareRecordAt(sites(), away, shares_.workspace1));
            CPPUNIT_ASSERT_MESSAGE(away, entryAt(sites(), away, shares_.projects, "file100.pdf"));  // group 2 stays
        }
        CPPUNIT_ASSERT(groupAt(sites(), "client31", groups_.group2));
        CPPUNIT_ASSERT_EQUAL(version, *leftVersionAt(sites(), "R3", groups_.group1));

        sites().network().clearCarried();
        const auto report = synchronize(sites(), "client11", shares_.workspace1);
        CPPUNIT_ASSERT(report.unreachable_nodes.empty() && report.problems.empty());
        for (const auto& delivery : sites().network().carried())
            for (const auto& away : {"R3", "client31"})
                CPPUNIT_ASSERT_MESSAGE(delivery.to, delivery.to != FourSites::account(away));
    }

    std::unique_ptr<SharedSites> world_;
    Groups groups_;
    Shares shares_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RelayRemovalTest);

}  // namespace relaysync::test
