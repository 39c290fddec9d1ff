// Fig. 13, 15 and 16: one synchronize instruction from client11 checks every entity of the
// share, everywhere, and brings every node's shared resource information back in line.
#include <cppunit/extensions/HelperMacros.h>

#include "scenario_steps.h"

namespace relaysync::test {

namespace {
const std::vector<std::string> kWorkspaceHolders{"R1", "R2", "R3", "client11", "client12",
                                                 "client21", "client22", "client31"};
const std::vector<std::string> kProjectsHolders{"R3", "client31", "client32"};

using World = SharedSites;
}  // namespace

class SynchronizeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SynchronizeTest);
    CPPUNIT_TEST(nothingChangedMeansNothingChanges);
    CPPUNIT_TEST(goneEntityIsRemovedFromEveryShareEverywhere);
    CPPUNIT_TEST(changedSizeAndTimeReachEveryMember);
    CPPUNIT_TEST(statusModeMarksAndRecovers);
    CPPUNIT_TEST(missingStoreRootIsUnreachableNotGone);
    CPPUNIT_TEST(deletionLimitStopsTheCheck);
    CPPUNIT_TEST(syncFromAnyMemberWorks);
    CPPUNIT_TEST(checkResourcesOnDemandPropagates);
    CPPUNIT_TEST_SUITE_END();

public:
    void nothingChangedMeansNothingChanges() {
        World world;
        std::map<std::string, std::string> before;
        for (const auto& node : FourSites::allNames()) before[node] = world.sites.dump(node);
        const auto report = synchronize(world.sites, "client11", world.shares.workspace1);
        // 6 entries of workspace1; file100.pdf in projects is checked too, but client11 is not a
        // member of projects, so the report does not speak of it.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6), report.checked);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6), report.unchanged);
        CPPUNIT_ASSERT(report.problems.empty() && report.unreachable_nodes.empty());
        for (const auto& node : FourSites::allNames()) CPPUNIT_ASSERT_EQUAL_MESSAGE(node, before[node], world.sites.dump(node));
    }

    void goneEntityIsRemovedFromEveryShareEverywhere() {
        World world;
        world.sites.disk("client31").remove("docs/file100.pdf");
        const auto report = synchronize(world.sites, "client11", world.shares.workspace1);
        // Checked: the 6 entries of workspace1. file100.pdf goes from projects too
        // (CheckAnotherResourceInfo, asserted below), unreported to client11, not a member there.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6), report.checked);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.gone);
        for (const auto& node : kWorkspaceHolders) {
            CPPUNIT_ASSERT_MESSAGE(node, !entryAt(world.sites, node, world.shares.workspace1, "file100.pdf"));
            CPPUNIT_ASSERT_MESSAGE(node, entryAt(world.sites, node, world.shares.workspace1, "folderE"));
        }
        for (const auto& node : kProjectsHolders)
            CPPUNIT_ASSERT_MESSAGE(node, !entryAt(world.sites, node, world.shares.projects, "file100.pdf"));
    }

    void changedSizeAndTimeReachEveryMember() {
        World world;
        world.sites.disk("client21").putFile("budget.xls", 4'096, 9'000);
        world.sites.disk("client11").putFile("folderA/c.txt", 50, 9'500);
        const auto report = synchronize(world.sites, "client11", world.shares.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), report.changed);
        for (const auto& node : kWorkspaceHolders) {
            const auto budget = entryAt(world.sites, node, world.shares.workspace1, "budget.xls");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::uint64_t(4'096), budget->details.size);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::int64_t(9'000), budget->details.modified_ms);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::int64_t(2), budget->version);
            const auto folder = entryAt(world.sites, node, world.shares.workspace1, "folderA");
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::uint64_t(350), folder->details.size);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::int64_t(9'500), folder->details.modified_ms);
        }
    }

    void statusModeMarksAndRecovers() {
        World world(SiteOptions{core::GoneEntityMode::mark, 100});
        world.sites.disk("client31").remove("docs/file100.pdf");
        auto report = synchronize(world.sites, "client11", world.shares.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.gone);
        for (const auto& node : kWorkspaceHolders)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::string("file not found"),
                                         entryAt(world.sites, node, world.shares.workspace1, "file100.pdf")->status);
        for (const auto& node : kProjectsHolders)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::string("file not found"),
                                         entryAt(world.sites, node, world.shares.projects, "file100.pdf")->status);

        // A second sync with the entity still gone changes nothing.
        report = synchronize(world.sites, "client22", world.shares.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), report.gone);

        // The entity comes back as it was: "ok" again everywhere, in both shares.
        world.sites.disk("client31").putFile("docs/file100.pdf", 500, 5'000);
        report = synchronize(world.sites, "client11", world.shares.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.recovered);  // and in projects, unreported
        for (const auto& node : kWorkspaceHolders)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::string("ok"),
                                         entryAt(world.sites, node, world.shares.workspace1, "file100.pdf")->status);
        for (const auto& node : kProjectsHolders)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::string("ok"),
                                         entryAt(world.sites, node, world.shares.projects, "file100.pdf")->status);
    }

    void missingStoreRootIsUnreachableNotGone() {
        World world;  // remove mode: the dangerous one
        world.sites.disk("client31").setReachable(false);
        const auto report = synchronize(world.sites, "client11", world.shares.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), report.gone);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), report.unreachable);  // file100.pdf and folderE of workspace1
        CPPUNIT_ASSERT(!report.problems.empty());
        for (const auto& node : kWorkspaceHolders) {
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::string("unreachable"),
                                         entryAt(world.sites, node, world.shares.workspace1, "file100.pdf")->status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::string("unreachable"),
                                         entryAt(world.sites, node, world.shares.workspace1, "folderE")->status);
        }
        world.sites.disk("client31").setReachable(true);
        const auto again = synchronize(world.sites, "client11", world.shares.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), again.recovered);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), entryAt(world.sites, "client22", world.shares.workspace1, "folderE")->status);
    }

    void deletionLimitStopsTheCheck() {
        World world(SiteOptions{core::GoneEntityMode::remove, 1});
        world.sites.disk("client31").remove("docs/file100.pdf");  // 2 entries (two shares)
        const auto before = world.sites.dump("R3");
        const auto report = synchronize(world.sites, "client11", world.shares.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), report.problems.size());
        CPPUNIT_ASSERT_MESSAGE(report.problems.front(), report.problems.front().find("deletion limit") != std::string::npos);
        CPPUNIT_ASSERT(report.problems.front().find("client31") != std::string::npos);
        CPPUNIT_ASSERT(report.problems.front().find("nothing was changed") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(before, world.sites.dump("R3"));
        for (const auto& node : kWorkspaceHolders)
            CPPUNIT_ASSERT_MESSAGE(node, entryAt(world.sites, node, world.shares.workspace1, "file100.pdf"));
    }

    void syncFromAnyMemberWorks() {
        World world;
        world.sites.disk("client12").putFile("folderB/new.doc", 10, 8'000);
        const auto report = synchronize(world.sites, "client31", world.shares.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(310),
                             entryAt(world.sites, "client22", world.shares.workspace1, "folderB")->details.size);
    }

    void checkResourcesOnDemandPropagates() {
        World world;
        world.sites.disk("client12").putFile("folderB/new.doc", 10, 8'000);
        const auto report = world.sites.node("client12").withTerminal(
            [&](core::TerminalEngine& t) { return t.checkResources(world.shares.workspace1); });
        world.sites.settle();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);
        for (const auto& node : kWorkspaceHolders)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::uint64_t(310),
                                         entryAt(world.sites, node, world.shares.workspace1, "folderB")->details.size);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SynchronizeTest);

}  // namespace relaysync::test
