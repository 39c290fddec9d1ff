// What the patent leaves to the product: duplicated and reordered messages, restarts from the
// SQLite files, and nodes that are away during a synchronize.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

#include "scenario_steps.h"

namespace relaysync::test {

namespace {

// The whole example: groups, shares, a change, a deletion, one synchronize.
void runExample(FourSites& sites) {
    putEntities(sites);
    const auto shares = shareResources(sites, formGroups(sites));
    sites.disk("client21").putFile("budget.xls", 4'096, 9'000);
    sites.disk("client31").remove("docs/file100.pdf");
    synchronize(sites, "client11", shares.workspace1);
}

std::map<std::string, std::string> dumpAll(FourSites& sites) {
    std::map<std::string, std::string> dumps;
    for (const auto& node : FourSites::allNames()) dumps[node] = sites.dump(node);
    return dumps;
}

void assertSameState(const std::map<std::string, std::string>& expected, FourSites& sites, const std::string& what) {
    for (const auto& [node, dump] : expected)
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ", node " + node, dump, sites.dump(node));
}

}  // namespace

class RobustnessTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RobustnessTest);
    CPPUNIT_TEST(duplicatedAndReorderedMessagesReachTheSameState);
    CPPUNIT_TEST(restartingEveryNodeFromItsDatabaseKeepsEverything);
    CPPUNIT_TEST(relaysRestartedInTheMiddleOfASynchronizeFinishIt);
    CPPUNIT_TEST(offlineMemberCatchesUpWhenItReturns);
    CPPUNIT_TEST(offlineOwnerIsReportedAndItsEntriesAreKept);
    CPPUNIT_TEST_SUITE_END();

public:
    void duplicatedAndReorderedMessagesReachTheSameState() {
        FourSites reference;
        runExample(reference);
        const auto expected = dumpAll(reference);
        CPPUNIT_ASSERT(expected.at("client22").find("budget.xls") != std::string::npos);

        for (unsigned seed : {1u, 2u, 3u, 4u, 5u, 6u}) {
            FourSites sites;
            sites.network().setDuplicate(seed % 2 == 0);
            sites.network().setShuffle(seed);
            runExample(sites);
            assertSameState(expected, sites, "seed " + std::to_string(seed));
        }
    }

    void restartingEveryNodeFromItsDatabaseKeepsEverything() {
        FourSites sites;
        runExample(sites);
        const auto before = dumpAll(sites);
        for (const auto& node : FourSites::allNames()) sites.restart(node);
        assertSameState(before, sites, "after restart");
        // And the restarted nodes still work together.
        const auto share = sites.node("client11").withEngine(
            [](core::EngineBase& engine) { return engine.shares().shares().front().id; });
        sites.disk("client12").putFile("folderB/late.doc", 1, 10'000);
        const auto report = synchronize(sites, "client11", share);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(301), entryAt(sites, "client22", share, "folderB")->details.size);
    }

    void relaysRestartedInTheMiddleOfASynchronizeFinishIt() {
        FourSites sites;
        putEntities(sites);
        const auto shares = shareResources(sites, formGroups(sites));
        sites.disk("client21").putFile("budget.xls", 4'096, 9'000);
        const auto sync_id = sites.node("client11").withTerminal(
            [&](core::TerminalEngine& t) { return t.synchronize(shares.workspace1); });
        sites.network().run(4);  // the fan-out is under way
        sites.restart("R1");
        sites.restart("R2");
        sites.settle();
        const auto report = sites.node("client11").withEngine(
            [&](core::EngineBase& engine) { return engine.syncs().result(sync_id); });
        CPPUNIT_ASSERT(report);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report->changed);
        for (const auto& node : {"R1", "R2", "R3", "client11", "client12", "client22", "client31"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::uint64_t(4'096),
                                         entryAt(sites, node, shares.workspace1, "budget.xls")->details.size);
    }

    void offlineMemberCatchesUpWhenItReturns() {
        FourSites sites;
        putEntities(sites);
        const auto shares = shareResources(sites, formGroups(sites));
        sites.network().setOnline(FourSites::account("client22"), false);
        sites.disk("client21").putFile("budget.xls", 4'096, 9'000);
        const auto report = synchronize(sites, "client11", shares.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);
        CPPUNIT_ASSERT((report.unreachable_nodes == std::vector<std::string>{FourSites::account("client22")}));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(400), entryAt(sites, "client22", shares.workspace1, "budget.xls")->details.size);

        sites.network().setOnline(FourSites::account("client22"), true);
        sites.settle();
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(4'096), entryAt(sites, "client22", shares.workspace1, "budget.xls")->details.size);
    }

    void offlineOwnerIsReportedAndItsEntriesAreKept() {
        FourSites sites;
        putEntities(sites);
        const auto shares = shareResources(sites, formGroups(sites));
        sites.network().setOnline(FourSites::account("client31"), false);
        sites.disk("client31").remove("docs/file100.pdf");
        const auto report = synchronize(sites, "client11", shares.workspace1);
        CPPUNIT_ASSERT(std::count(report.unreachable_nodes.begin(), report.unreachable_nodes.end(),
                                  FourSites::account("client31")) == 1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), report.gone);
        for (const auto& node : {"R1", "R2", "R3", "client12", "client22"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::string("ok"),
                                         entryAt(sites, node, shares.workspace1, "file100.pdf")->status);

        // Back online, it gets the instruction it missed, checks, and everyone converges.
        sites.network().setOnline(FourSites::account("client31"), true);
        sites.settle();
        for (const auto& node : {"R1", "R2", "R3", "client12", "client22", "client32"}) {
            CPPUNIT_ASSERT_MESSAGE(node, !entryAt(sites, node, shares.workspace1, "file100.pdf"));
            CPPUNIT_ASSERT_MESSAGE(node, !entryAt(sites, node, shares.projects, "file100.pdf"));
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RobustnessTest);

}  // namespace relaysync::test
