// Repair (docs/protocol.md, "Repair"): the same story on a clean network and on one that loses
// a tenth of all messages (their senders believe them delivered) and delivers another tenth
// twice. One whole-share synchronize per share that changed brings every node to the state of
// the clean run.
#include <cppunit/extensions/HelperMacros.h>

#include "scenario_steps.h"

namespace relaysync::test {

namespace {

using core::TerminalEngine;

// Changes at every site, as users make them: files changed, added, shared, removed, a new share.
// Returns the new share's id.
std::string busyDay(FourSites& sites, const Groups& groups, const Shares& shares) {
    const auto on = [&](const std::string& terminal, auto&& action) {
        sites.node(terminal).withTerminal(action);
        sites.settle();
    };
    sites.disk("client21").putFile("budget.xls", 4'096, 9'000);
    on("client21", [&](TerminalEngine& t) { t.checkResources(shares.workspace1); });
    sites.disk("client12").putFile("folderB/more.doc", 50, 9'500);
    on("client12", [&](TerminalEngine& t) { t.checkResources(shares.workspace1); });
    sites.disk("client31").remove("docs/file100.pdf");
    on("client31", [&](TerminalEngine& t) { t.checkResources(shares.workspace1); });
    for (int i = 0; i < 12; ++i) {
        const auto n = std::to_string(i);
        sites.disk("client22").putFile("notes/" + n + ".txt", 10 + i, 10'000 + i);
        on("client22", [&](TerminalEngine& t) { t.addResource(shares.workspace1, "note" + n, "c:/notes/" + n + ".txt"); });
        sites.disk("client11").putFile("more/" + n + ".txt", 20 + i, 11'000 + i);
        on("client11", [&](TerminalEngine& t) { t.addResource(shares.workspace1, "more" + n, "c:/more/" + n + ".txt"); });
    }
    sites.disk("client11").putFile("folderA/a.txt", 101, 12'000);
    sites.disk("client22").remove("notes/3.txt");
    on("client11", [&](TerminalEngine& t) { t.checkResources(shares.workspace1); });
    on("client22", [&](TerminalEngine& t) { t.checkResources(shares.workspace1); });

    std::string later;
    on("client21", [&](TerminalEngine& t) {
        later = t.createShare(groups.group1, "later", {FourSites::account("client12"), FourSites::account("client31")});
    });
    sites.disk("client21").putFile("later.txt", 30, 13'000);
    on("client21", [&](TerminalEngine& t) { t.addResource(later, "later.txt", "c:/later.txt"); });
    return later;
}

std::map<std::string, std::string> dumpAll(FourSites& sites) {
    std::map<std::string, std::string> dumps;
    for (const auto& node : FourSites::allNames()) dumps[node] = sites.dump(node);
    return dumps;
}

}  // namespace

class RepairTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RepairTest);
    CPPUNIT_TEST(oneSynchronizeRepairsWhatALossyNetworkLeftBehind);
    CPPUNIT_TEST_SUITE_END();

public:
    void oneSynchronizeRepairsWhatALossyNetworkLeftBehind() {
        FourSites reference;
        putEntities(reference);
        const auto groups = formGroups(reference);
        const auto shares = shareResources(reference, groups);
        const auto later = busyDay(reference, groups, shares);
        synchronize(reference, "client11", shares.workspace1);
        synchronize(reference, "client32", shares.projects);
        synchronize(reference, "client21", later);
        const auto expected = dumpAll(reference);

        std::size_t diverged = 0;
        for (unsigned seed = 11; seed < 21; ++seed) {
            FourSites sites;
            putEntities(sites);
            formGroups(sites);
            shareResources(sites, groups);
            sites.network().setFaults(core::InProcessNetwork::Faults{0.1, 0.1, seed});
            busyDay(sites, groups, shares);
            sites.network().setFaults(std::nullopt);
            CPPUNIT_ASSERT_MESSAGE("seed " + std::to_string(seed) + " lost nothing", sites.network().lost() > 0);
            if (dumpAll(sites) != expected) ++diverged;

            synchronize(sites, "client11", shares.workspace1);
            synchronize(sites, "client32", shares.projects);  // client31's removal touched it too
            synchronize(sites, "client21", later);
            for (const auto& [node, dump] : expected)
                CPPUNIT_ASSERT_EQUAL_MESSAGE("seed " + std::to_string(seed) + ", node " + node, dump, sites.dump(node));
        }
        // The losses did leave nodes behind before the synchronize (the test tests something).
        CPPUNIT_ASSERT(diverged > 0);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RepairTest);

}  // namespace relaysync::test
