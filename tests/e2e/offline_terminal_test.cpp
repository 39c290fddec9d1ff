// A terminal that is offline (its agent stopped) during a synchronize: the report names it
// among the nodes that could not be reached, its entries stay as they were everywhere (an owner
// that cannot be asked is not an entity that is gone), and when it starts again it gets what
// changed meanwhile and runs the check it missed, whose results reach every member.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

#include "cluster/wait.h"
#include "e2e_site.h"

namespace relaysync::e2e {

using namespace cluster::four_site;

class OfflineTerminalTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OfflineTerminalTest);
    CPPUNIT_TEST(offlineOwnerIsReportedAndCatchesUp);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        site_ = std::make_unique<E2eSite>();
        site_->formGroupsAndShare();
    }
    void tearDown() override { site_.reset(); }

    void offlineOwnerIsReportedAndCatchesUp() {
        auto& cluster = site_->cluster();
        auto& scenario = site_->scenario();
        const auto& ids = site_->ids();
        const auto before = cluster.status(R3);
        const auto folder_e_before = before.entry(ids.workspace1, "folderE")->size;

        // client31 (owner of file100.pdf and folderE) stops; R3 sees its connection close.
        const auto log_offset = cluster.logText(R3).size();
        CPPUNIT_ASSERT_MESSAGE("client31 stops cleanly on SIGTERM", cluster.stop(C31));
        cluster::waitUntil("R3 has seen client31 go", 20s, [&]() -> std::string {
            return site_->logSince(R3, log_offset).find("connection with " + C31) != std::string::npos
                       ? std::string()
                       : "no 'connection with " + C31 + " ... closed' in R3's log yet";
        });

        // Meanwhile its files change on its disk, and budget.xls changes at client21.
        const auto budget_size = scenario.changeEntities();  // deletes file100.pdf at client31
        site_->writeEntity(C31, "c:/folderE/annex.txt", "annex to specification E\n");
        const auto folder_e_after = folder_e_before + std::string("annex to specification E\n").size();

        const auto report = scenario.synchronize(C11, ids.workspace1);
        CPPUNIT_ASSERT_MESSAGE(joined(report.unreachable_nodes),
                               report.unreachable_nodes == std::vector<std::string>{C31});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), report.gone);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);  // budget.xls
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), report.checked);  // not client31's 2 (+1 in projects)

        // The running holders get budget.xls; client31's entries stay exactly as they were.
        const auto unchanged_there = [&](const cluster::ShareView& share) {
            if (auto problem = expectEntry(share, "budget.xls", "ok", budget_size); !problem.empty()) return problem;
            if (auto problem = expectEntry(share, "file100.pdf", "ok"); !problem.empty()) return problem;
            return expectEntry(share, "folderE", "ok", folder_e_before);
        };
        waitConverged(*site_, "budget.xls changed, client31's entries as they were", ids.workspace1, unchanged_there,
                      {C31});
        for (const auto& node : {R1, R2, R3, C11, C12, C21, C22}) {
            const auto status = cluster.status(node);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::int64_t(1), status.entry(ids.workspace1, "file100.pdf")->version);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::int64_t(1), status.entry(ids.workspace1, "folderE")->version);
        }
        for (const auto& node : {R3, C32})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::string("ok"), cluster.status(node).entry(ids.projects, "file100.pdf")->status);

        // client31 is back: it receives budget.xls and the instruction it missed, checks, and
        // its findings reach every holder of both shares.
        cluster.restart(C31);
        waitConverged(*site_, "client31's check after its return reached every holder", ids.workspace1,
                      [&](const cluster::ShareView& share) {
                          if (auto problem = scenario.afterChange(budget_size)(share); !problem.empty()) return problem;
                          return expectEntry(share, "folderE", "ok", folder_e_after);
                      });
        waitConverged(*site_, "projects shows file100.pdf gone", ids.projects, scenario.afterChangeProjects());
    }

private:
    std::unique_ptr<E2eSite> site_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(OfflineTerminalTest);

}  // namespace relaysync::e2e
