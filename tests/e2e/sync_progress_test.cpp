// A synchronize's progress names every node still checking, across all hops (issue 12): while
// client21, behind relay-server2, hangs with its connection open, client11's synchronize says it
// waits for client21, not merely for its own relay. Relays tell their asker with
// synchronize-progress once a sync has been open a second (docs/protocol.md §4.5).
#include <cppunit/extensions/HelperMacros.h>

#include <signal.h>

#include "cluster/wait.h"
#include "e2e_site.h"

namespace relaysync::e2e {

using namespace cluster::four_site;

class SyncProgressTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SyncProgressTest);
    CPPUNIT_TEST(progressNamesTheHungTerminalTwoHopsAway);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        site_ = std::make_unique<E2eSite>();
        site_->formGroupsAndShare();
    }
    void tearDown() override { site_.reset(); }

    void progressNamesTheHungTerminalTwoHopsAway() {
        auto& cluster = site_->cluster();
        const auto& ids = site_->ids();
        std::string sync_id;
        {
            StoppedNode held(cluster, C21);
            sync_id = cluster.startSync(C11, ids.workspace1);
            cluster::waitUntil("client11's synchronize waits for client21 alone", 20s, [&]() -> std::string {
                const auto state = cluster.syncState(C11, sync_id);
                if (state.finished) throw cluster::ClusterError("the synchronize finished while client21 hung");
                return state.waiting_for == std::vector<std::string>{C21} ? std::string()
                                                                          : "waiting for " + joined(state.waiting_for);
            });
            // The command line shows the same.
            const auto shown = cluster.adminCli(C11, {"sync-status", sync_id});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(shown.err, 0, shown.exit_code);
            CPPUNIT_ASSERT_MESSAGE(shown.out, shown.out.find(C21) != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(shown.out, shown.out.find(R1) == std::string::npos);
        }
        // Resumed, client21 answers and the synchronize ends with nobody left out.
        const auto report = cluster.awaitSync(C11, sync_id, 60s);
        CPPUNIT_ASSERT_MESSAGE(joined(report.unreachable_nodes), report.unreachable_nodes.empty());
        CPPUNIT_ASSERT_MESSAGE(joined(report.problems), report.problems.empty());
    }

private:
    std::unique_ptr<E2eSite> site_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SyncProgressTest);

}  // namespace relaysync::e2e
