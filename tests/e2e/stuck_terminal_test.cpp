// A terminal agent that hangs while its TCP connection stays open (here: SIGSTOP) must not
// hold up what its relay sends to everyone else: other relays and terminals keep getting
// updates promptly, and the hung terminal gets its share when it is back (docs/architecture.md §4, issue 3:
// "back-pressure instead of unbounded queues" per peer, "messages that cannot be delivered stay
// in the outbox").
#include <cppunit/extensions/HelperMacros.h>

#include <signal.h>

#include "cluster/wait.h"
#include "e2e_site.h"

namespace relaysync::e2e {

using namespace cluster::four_site;

class StuckTerminalTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StuckTerminalTest);
    CPPUNIT_TEST(hungTerminalDoesNotHoldUpItsRelaysOtherMessages);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        site_ = std::make_unique<E2eSite>();
        site_->formGroupsAndShare();
        shareNotesOfClient22(*site_);
    }
    void tearDown() override { site_.reset(); }

    // client21 hangs; client22 (same relay) changes notes.txt twice. Each change must reach R1
    // and client11 well within ack_timeout_ms (10 s), the time R2 may wait for client21.
    void hungTerminalDoesNotHoldUpItsRelaysOtherMessages() {
        auto& cluster = site_->cluster();
        const auto& ids = site_->ids();
        StoppedNode held(cluster, C21);

        for (const std::int64_t version : {2, 3}) {
            site_->writeEntity(C22, "c:/notes.txt", "notes of Osaka PC 22, version " + std::to_string(version) + "\n");
            const auto report = cluster.check(C22, ids.workspace1, {"notes.txt"});
            CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);
            for (const auto& node : {R1, C11}) {
                cluster::waitUntil(label(node) + " shows notes.txt version " + std::to_string(version) +
                                       " while client21 hangs",
                                   5s, [&]() -> std::string {
                                       // Held: entry() points into the status.
                                       const auto status = cluster.status(node);
                                       const auto* entry = status.entry(ids.workspace1, "notes.txt");
                                       return entry && entry->version == version ? std::string() : "not yet";
                                   });
            }
        }

        // Back again, client21 catches up.
        ::kill(cluster.pid(C21), SIGCONT);
        waitConverged(*site_, "client21 has caught up", ids.workspace1, [](const cluster::ShareView& share) {
            return share.entry("notes.txt") && share.entry("notes.txt")->version == 3 ? std::string() : "not yet";
        });
    }

private:
    std::unique_ptr<E2eSite> site_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(StuckTerminalTest);

}  // namespace relaysync::e2e
