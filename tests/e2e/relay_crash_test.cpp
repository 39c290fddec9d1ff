// A relay killed with SIGKILL in the middle of a synchronize and started again: the synchronize
// still finishes at the terminal that asked, every node converges, and no update is lost
// (design.md §4: state and the messages it must send are stored together; sync sessions survive
// restarts).
#include <cppunit/extensions/HelperMacros.h>

#include <signal.h>

#include <algorithm>

#include "cluster/wait.h"
#include "e2e_site.h"

namespace relaysync::e2e {

using namespace cluster::four_site;

namespace {

// Every change made before the synchronize, and what each holder must show afterwards.
struct Changes {
    std::uint64_t budget = 0, notes = 0, folder_b = 0;
};

}  // namespace

class RelayCrashTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RelayCrashTest);
    CPPUNIT_TEST(relayKilledWhileWaitingForItsTerminals);
    CPPUNIT_TEST(relayKilledRightAfterTheSynchronizeIsIssued);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        site_ = std::make_unique<E2eSite>();
        site_->formGroupsAndShare();
        shareNotesOfClient22(*site_);
    }
    void tearDown() override { site_.reset(); }

    // R2 has forwarded the instruction to client21 and client22, client22 has answered, and R2
    // waits for client21 (held back with SIGSTOP, so that the moment is certain, not a race):
    // then R2 is killed. After its restart its stored session waits on, client21's answer
    // arrives, and the report travels R2 -> R1 -> client11.
    void relayKilledWhileWaitingForItsTerminals() {
        auto& cluster = site_->cluster();
        const auto& ids = site_->ids();
        StoppedNode held(cluster, C21);

        const auto changes = change();
        const auto sync_id = cluster.startSync(C11, ids.workspace1);
        cluster::waitUntil("R2 has opened the synchronize and waits for client21 only", 40s, [&]() -> std::string {
            try {
                const auto state = cluster.syncState(R2, sync_id);
                if (state.finished) return "R2 finished the synchronize (client21 is stopped: impossible)";
                if (state.waiting_for != std::vector<std::string>{C21})
                    return "R2 waits for " + joined(state.waiting_for);
                return {};
            } catch (const cluster::CommandRefused& e) {
                return e.what();  // not arrived at R2 yet
            }
        }, 20ms);

        const auto c21_log = cluster.logText(C21).size();
        cluster.kill(R2);
        CPPUNIT_ASSERT(!cluster.running(R2));
        // R1's own terminal may still be answering (its check and repair take a moment): R1 ends
        // up waiting for R2 alone, and goes on waiting for it.
        cluster::waitUntil("R1 waits for R2 only", 20s, [&]() -> std::string {
            const auto at_r1 = cluster.syncState(R1, sync_id);
            if (at_r1.finished) return "R1 finished the synchronize without R2";
            return at_r1.waiting_for == std::vector<std::string>{R2} ? std::string() : "R1 waits for " + joined(at_r1.waiting_for);
        }, 20ms);
        CPPUNIT_ASSERT(!cluster.syncState(C11, sync_id).finished);
        // client21 goes on; whether it reads the instruction before it sees R2 gone or gets it
        // again from R2's outbox later, its answer has to find the restarted R2.
        ::kill(cluster.pid(C21), SIGCONT);
        waitForLogLine(*site_, C21, c21_log, "connection with " + R2 + ".* closed");  // it saw R2 go

        cluster.restart(R2);
        const auto report = cluster.awaitSync(C11, sync_id, 60s);
        CPPUNIT_ASSERT_MESSAGE(joined(report.unreachable_nodes), report.unreachable_nodes.empty());
        CPPUNIT_ASSERT_MESSAGE(joined(report.problems), report.problems.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), report.checked);  // 7 entries (projects' file100.pdf unreported)
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), report.changed);  // budget.xls, notes.txt, folderB
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.gone);     // file100.pdf
        expectConverged(changes);
    }

    // No waiting for a convenient moment: R2 dies right after client11 asks, wherever the
    // synchronize then is. Whatever R1 made of it (waiting for R2, or reporting it unreachable),
    // the synchronize finishes and, once R2 is back, every update reaches every node, those of
    // R2's terminals included.
    void relayKilledRightAfterTheSynchronizeIsIssued() {
        auto& cluster = site_->cluster();
        const auto& ids = site_->ids();
        const auto changes = change();
        const auto sync_id = cluster.startSync(C11, ids.workspace1);
        const auto r1_log = cluster.logText(R1).size();
        cluster.kill(R2);
        waitForLogLine(*site_, R1, r1_log, "connection with " + R2 + ".* closed");  // R1 saw R2 go
        cluster.restart(R2);
        const auto report = cluster.awaitSync(C11, sync_id, 60s);
        // Depending on the moment: R1 may have found R2 down, or the restarted R2 its terminals
        // not yet redialled; such nodes are named, and check when their messages reach them.
        for (const auto& node : report.unreachable_nodes)
            CPPUNIT_ASSERT_MESSAGE("only R2 or its terminals may have been missed, not " + node,
                                   node == R2 || node == C21 || node == C22);
        CPPUNIT_ASSERT_MESSAGE(joined(report.problems), report.problems.empty());
        expectConverged(changes);
    }

private:
    // Changes at owners under R2 (client21, client22), R1 (client12) and R3 (client31).
    Changes change() {
        auto& cluster = site_->cluster();
        Changes changes;
        changes.budget = site_->scenario().changeEntities();  // also deletes file100.pdf at client31
        site_->writeEntity(C22, "c:/notes.txt", "notes of Osaka PC 22, second version, longer\n");
        changes.notes = std::filesystem::file_size(cluster.entityPath(C22, "c:/notes.txt"));
        site_->writeEntity(C12, "c:/folderB/drawings/part2.dwg", "drawing of part 2\n");
        changes.folder_b = 0;
        for (const auto& file : std::filesystem::recursive_directory_iterator(cluster.entityPath(C12, "c:/folderB")))
            if (file.is_regular_file()) changes.folder_b += file.file_size();
        return changes;
    }

    void expectConverged(const Changes& changes) {
        const auto after = site_->scenario().afterChange(changes.budget);
        waitConverged(*site_, "every update reached every holder of workspace1", site_->ids().workspace1,
                      [&](const cluster::ShareView& share) {
                          if (auto problem = after(share); !problem.empty()) return problem;
                          if (auto problem = expectEntry(share, "notes.txt", "ok", changes.notes); !problem.empty())
                              return problem;
                          return expectEntry(share, "folderB", "ok", changes.folder_b);
                      });
        waitConverged(*site_, "projects shows file100.pdf gone", site_->ids().projects,
                      site_->scenario().afterChangeProjects());
    }

    std::unique_ptr<E2eSite> site_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RelayCrashTest);

}  // namespace relaysync::e2e
