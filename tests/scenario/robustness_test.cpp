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
    CPPUNIT_TEST(terminalWithANewDatabaseIsReadmittedAndItsMessagesApply);
    CPPUNIT_TEST(deadlinesShrinkPerHopSoTheReportNamesTheSilentNode);
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

    // client12's database is lost: the node comes back with an empty one, so a new epoch and
    // message numbers from 1 again. Deleted and admitted again at R1, it gets workspace1 back
    // with its own folderB, and what it changes afterwards reaches every member.
    void terminalWithANewDatabaseIsReadmittedAndItsMessagesApply() {
        FourSites sites;
        putEntities(sites);
        const auto groups = formGroups(sites);
        const auto shares = shareResources(sites, groups);
        const auto folder_b = *entryAt(sites, "client21", shares.workspace1, "folderB");
        CPPUNIT_ASSERT_EQUAL(FourSites::account("client12"), folder_b.owner);

        sites.recreate("client12");
        CPPUNIT_ASSERT(!shareAt(sites, "client12", shares.workspace1));
        const auto client12 = FourSites::account("client12");
        sites.node("R1").withRelay([&](core::RelayEngine& r1) {
            r1.deleteTerminal(groups.group1, client12);
            r1.addTerminal(groups.group1, client12, "PC 12", "Sales");
        });
        sites.settle();
        CPPUNIT_ASSERT(shareAt(sites, "client12", shares.workspace1));
        CPPUNIT_ASSERT(folder_b == *entryAt(sites, "client12", shares.workspace1, "folderB"));

        sites.disk("client12").putFile("folderB/new.txt", 777, 50'000);
        const auto report = synchronize(sites, "client12", shares.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, report.changed);
        sites.node("client12").withTerminal(
            [&](core::TerminalEngine& t) { t.addResource(shares.workspace1, "folderB-copy", "c:/folderB"); });
        sites.settle();
        for (const auto& member : {"client11", "client21", "client22", "client31", "R1", "R2", "R3"}) {
            const auto changed = entryAt(sites, member, shares.workspace1, "folderB");
            CPPUNIT_ASSERT_MESSAGE(member, changed && changed->version == folder_b.version + 1);
            CPPUNIT_ASSERT_MESSAGE(member, entryAt(sites, member, shares.workspace1, "folderB-copy").has_value());
        }
    }

    // client21 hangs: reachable, taking nothing. R2 stops waiting for it a margin before R1 stops
    // waiting for R2, so the report that reaches client11 names client21, not R2, and comes
    // before client11's own deadline.
    void deadlinesShrinkPerHopSoTheReportNamesTheSilentNode() {
        FourSites sites;
        putEntities(sites);
        const auto shares = shareResources(sites, formGroups(sites));
        std::int64_t now = 1'000'000;
        for (const auto& node : FourSites::allNames())
            sites.node(node).withEngine([&](core::EngineBase& e) { e.setClock([&now] { return now; }); });
        sites.network().setHeld(FourSites::account("client21"), true);
        const auto sync_id = sites.node("client11").withTerminal(
            [&](core::TerminalEngine& t) { return t.synchronize(shares.workspace1); });
        sites.settle();
        const auto expire_all = [&] {
            for (const auto& node : FourSites::allNames())
                sites.node(node).withEngine([](core::EngineBase& e) { e.expireSyncs(); });
            sites.settle();
        };
        const auto finished = [&] {
            return sites.node("client11").withEngine([&](core::EngineBase& e) { return e.syncs().result(sync_id); });
        };
        // client11 waits 15 min; R1 answers by 13.5 min; R2 by 12.15 min.
        now += 12 * 60 * 1000;
        expire_all();
        CPPUNIT_ASSERT(!finished());
        now += 15 * 1000;  // 12:15: R2 gives up on client21 and answers R1, which then has everyone
        expire_all();
        const auto report = finished();
        CPPUNIT_ASSERT(report.has_value());
        CPPUNIT_ASSERT_MESSAGE(report->summary(),
                               (report->unreachable_nodes == std::vector<std::string>{FourSites::account("client21")}));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, report->problems.size());
        CPPUNIT_ASSERT_MESSAGE(report->problems[0], report->problems[0].find("no answer") != std::string::npos);
        sites.network().setHeld(FourSites::account("client21"), false);
        sites.settle();  // its late answer changes nothing
        CPPUNIT_ASSERT((finished()->unreachable_nodes == report->unreachable_nodes));
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
