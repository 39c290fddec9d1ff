// Patent Fig. 10-14 across real processes: 4 relays and 8 terminal agents on 127.0.0.1, talking
// TLS, driven and checked only through each node's admin socket (status JSON) and the admin CLI.
#include <cppunit/extensions/HelperMacros.h>

#include <map>

#include <Poco/JSON/Parser.h>

#include "e2e_site.h"

namespace relaysync::e2e {

using namespace cluster::four_site;

namespace {

const std::vector<std::string> kGroup1Terminals{C11, C12, C21, C22, C31};
const std::vector<std::string> kWorkspaceHolders{R1, R2, R3, C11, C12, C21, C22, C31};
const std::vector<std::string> kWorkspaceOutsiders{R4, C32, C41, C42};
const std::vector<std::string> kProjectsHolders{R3, C31, C32};

Poco::JSON::Object::Ptr parseJson(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

class FourSiteScenarioTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FourSiteScenarioTest);
    CPPUNIT_TEST(patentScenarioAcrossProcesses);
    CPPUNIT_TEST(goneEntityRemovedFromBothSharesInRemoveMode);
    CPPUNIT_TEST_SUITE_END();

public:
    void tearDown() override { site_.reset(); }

    void patentScenarioAcrossProcesses() {
        site_ = std::make_unique<E2eSite>();
        auto& cluster = site_->cluster();
        auto& scenario = site_->scenario();

        // Fig. 10: every relay of group 1 holds the same group; R3 also its own; R4 nothing.
        scenario.formGroups();
        const auto& ids = site_->ids();
        const auto r1 = cluster.status(R1), r2 = cluster.status(R2), r3 = cluster.status(R3);
        CPPUNIT_ASSERT(r1.group(ids.group1) && r2.group(ids.group1) && r3.group(ids.group1));
        CPPUNIT_ASSERT(*r1.group(ids.group1) == *r2.group(ids.group1));
        CPPUNIT_ASSERT(*r1.group(ids.group1) == *r3.group(ids.group1));
        const std::vector<cluster::GroupRelayView> group1_relays{{R1, "Tokyo"}, {R2, "Osaka"}, {R3, "Nagoya"}};
        CPPUNIT_ASSERT(r1.group(ids.group1)->relays == group1_relays);
        const std::vector<cluster::GroupRelayView> group2_relays{{R3, "Nagoya"}};
        CPPUNIT_ASSERT(r3.group(ids.group2) && r3.group(ids.group2)->relays == group2_relays);
        CPPUNIT_ASSERT(!r1.group(ids.group2) && !r2.group(ids.group2));
        CPPUNIT_ASSERT(cluster.status(R4).groups.empty());

        // Fig. 11: the shareable terminals, with the display names and departments of their
        // profiles, at every relay of the group and at every admitted terminal.
        scenario.admitTerminals();
        const auto reference = *cluster.status(R1).group(ids.group1);
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), reference.terminals.size());
        for (const auto& terminal : kGroup1Terminals) {
            const auto* record = reference.terminal(terminal);
            CPPUNIT_ASSERT_MESSAGE(terminal, record);
            CPPUNIT_ASSERT_EQUAL(cluster.node(terminal).profile.display_name, record->display_name);
            CPPUNIT_ASSERT_EQUAL(cluster.node(terminal).profile.department, record->department);
            CPPUNIT_ASSERT_EQUAL(cluster.node(terminal).profile.relay, record->relay);
        }
        for (const auto& node : {R2, R3, C11, C12, C21, C22, C31}) {
            const auto status = cluster.status(node);
            CPPUNIT_ASSERT_MESSAGE(node, status.group(ids.group1) && *status.group(ids.group1) == reference);
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), cluster.status(C31).groups.size());
        const auto c32 = cluster.status(C32);
        CPPUNIT_ASSERT(c32.groups.size() == 1 && c32.group(ids.group2) && c32.group(ids.group2)->terminals.size() == 2);
        for (const auto& outsider : {R4, C41, C42}) CPPUNIT_ASSERT_MESSAGE(outsider, cluster.status(outsider).groups.empty());

        // Fig. 12: workspace1 at every member and its relay, with every entry; nowhere else.
        scenario.shareResources();
        for (const auto& node : kWorkspaceHolders) {
            const auto status = cluster.status(node);
            const auto* share = status.share(ids.workspace1);
            CPPUNIT_ASSERT_MESSAGE(node, share);
            CPPUNIT_ASSERT_EQUAL(std::string("workspace1"), share->name);
            CPPUNIT_ASSERT_EQUAL(ids.group1, share->group_id);
            CPPUNIT_ASSERT_EQUAL(C11, share->creator);
            CPPUNIT_ASSERT_EQUAL(std::size_t(5), share->members.size());
            CPPUNIT_ASSERT_EQUAL(std::size_t(6), share->entries.size());
            CPPUNIT_ASSERT_EQUAL(C12, share->entry("folderB")->owner);
            CPPUNIT_ASSERT_EQUAL(std::string("network/z:/folderZ/budget.xls"), share->entry("file00ZX.xls")->location);
            CPPUNIT_ASSERT_EQUAL(std::string("ok"), share->entry("file100.pdf")->status);
        }
        for (const auto& node : kWorkspaceOutsiders)
            CPPUNIT_ASSERT_MESSAGE(node + " must not hold workspace1", !cluster.status(node).share(ids.workspace1));
        for (const auto& node : cluster.accounts()) {
            const bool holder = std::find(kProjectsHolders.begin(), kProjectsHolders.end(), node) != kProjectsHolders.end();
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, holder, cluster.status(node).share(ids.projects) != nullptr);
        }

        // Fig. 13-16: one synchronize from client11 finds the changed and the gone file.
        const auto budget_size = scenario.changeEntities();
        const auto report = scenario.synchronize(C11, ids.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6), report.checked);  // 6 entries (projects' file100.pdf unreported)
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), report.unchanged);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.gone);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), report.unreachable);
        CPPUNIT_ASSERT_MESSAGE(joined(report.unreachable_nodes), report.unreachable_nodes.empty());
        CPPUNIT_ASSERT_MESSAGE(joined(report.problems), report.problems.empty());

        // Every member and relay gets the new size; file100.pdf is marked gone in both shares
        // (CheckAnotherResourceInfo reaches projects of the other group too).
        waitConverged(*site_, "workspace1 shows the change everywhere", ids.workspace1, scenario.afterChange(budget_size));
        waitConverged(*site_, "projects shows file100.pdf gone", ids.projects, scenario.afterChangeProjects());
        for (const auto& node : kWorkspaceHolders) {
            const auto status = cluster.status(node);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::int64_t(2), status.entry(ids.workspace1, "budget.xls")->version);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::int64_t(1), status.entry(ids.workspace1, "folderA")->version);
        }
        const auto c11 = cluster.status(C11);
        CPPUNIT_ASSERT(!c11.syncs.empty() && c11.syncs.back().sync_id == report.sync_id);

        // Fig. 14: a targeted sync through the admin CLI reaches only the owners of folderB and
        // folderE and checks just those two.
        // Every node counts the messages it takes in, by type ("traffic" in its status).
        auto received = [&](const std::string& node, const std::string& type) -> std::int64_t {
            const auto traffic = cluster.ask(node, "status")->getObject("traffic");
            return traffic->has(type) ? traffic->getObject(type)->getValue<std::int64_t>("received") : 0;
        };
        const std::vector<std::pair<std::string, std::string>> watched{
            {R2, "synchronize"}, {R3, "synchronize"}, {C12, "synchronize-instruction"},
            {C21, "synchronize-instruction"}, {C22, "synchronize-instruction"}, {C31, "synchronize-instruction"}};
        std::map<std::string, std::int64_t> before;
        for (const auto& [node, type] : watched) before[node] = received(node, type);
        const auto targeted = cluster.adminCli(C11, {"--json", "sync", ids.workspace1, "folderB", "folderE"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(targeted.err, 0, targeted.exit_code);
        const auto targeted_report = cluster::parseSyncReport(parseJson(targeted.out));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), targeted_report.checked);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), targeted_report.unchanged);
        CPPUNIT_ASSERT(targeted_report.unknown_resources.empty() && targeted_report.unreachable_nodes.empty());
        // Only the owners (client12 at R1, client31 at R3) and R3 on the way were asked.
        const std::map<std::string, std::int64_t> asked{{R2, 0}, {R3, 1}, {C12, 1}, {C21, 0}, {C22, 0}, {C31, 1}};
        for (const auto& [node, type] : watched)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node + " " + type, before[node] + asked.at(node), received(node, type));

        // A name not in the share is reported, not silently dropped.
        const auto unknown = cluster.adminCli(C11, {"--json", "sync", ids.workspace1, "folderB", "no-such-entry"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(unknown.err, 0, unknown.exit_code);
        const auto unknown_report = cluster::parseSyncReport(parseJson(unknown.out));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), unknown_report.checked);
        CPPUNIT_ASSERT(unknown_report.unknown_resources == std::vector<std::string>{"no-such-entry"});

        // The CLI's errors: one line on standard error and exit code 1.
        const auto refused = cluster.adminCli(C11, {"add-resource", ids.workspace1, "ghost", "c:/no/such/file"});
        CPPUNIT_ASSERT_EQUAL(1, refused.exit_code);
        CPPUNIT_ASSERT_MESSAGE(refused.err, refused.err.rfind("relaysync-admin: ", 0) == 0);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.err, std::ptrdiff_t(1), std::count(refused.err.begin(), refused.err.end(), '\n'));
        const auto table = cluster.adminCli(R3, {"status"});
        CPPUNIT_ASSERT_EQUAL(0, table.exit_code);
        CPPUNIT_ASSERT(table.out.find("file not found") != std::string::npos);
        CPPUNIT_ASSERT(table.out.find("projects") != std::string::npos);
    }

    // Fig. 13's embodiment: with sync.gone_entity: remove the vanished file100.pdf leaves both
    // shares, at every holder, from one synchronize.
    void goneEntityRemovedFromBothSharesInRemoveMode() {
        E2eSite::Options options;
        options.gone_entity = "remove";
        site_ = std::make_unique<E2eSite>(options);
        site_->formGroupsAndShare();
        auto& scenario = site_->scenario();
        const auto budget_size = scenario.changeEntities();
        const auto report = scenario.synchronize(C11, site_->ids().workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.gone);  // removed from projects too, unreported
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);
        waitConverged(*site_, "file100.pdf is removed from workspace1", site_->ids().workspace1,
                      scenario.afterChange(budget_size));
        waitConverged(*site_, "file100.pdf is removed from projects", site_->ids().projects,
                      scenario.afterChangeProjects());
        for (const auto& node : kProjectsHolders)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::size_t(1),
                                         site_->cluster().status(node).share(site_->ids().projects)->entries.size());
    }

private:
    std::unique_ptr<E2eSite> site_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(FourSiteScenarioTest);

}  // namespace relaysync::e2e
