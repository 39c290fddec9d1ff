#include "four_site_checks.h"

#include <cppunit/extensions/HelperMacros.h>

#include <signal.h>

#include <algorithm>
#include <map>

#include <Poco/JSON/Parser.h>

#include "cluster/wait.h"

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

// Every change made before a synchronize the crash checks run, and what each holder must show.
struct Changes {
    std::uint64_t budget = 0, notes = 0, folder_b = 0;
};

// Changes at owners under R2 (client21, client22), R1 (client12) and R3 (client31).
Changes change(E2eSite& site) {
    auto& cluster = site.cluster();
    Changes changes;
    changes.budget = site.scenario().changeEntities();  // also deletes file100.pdf at client31
    site.writeEntity(C22, "c:/notes.txt", "notes of Osaka PC 22, second version, longer\n");
    changes.notes = std::filesystem::file_size(cluster.entityPath(C22, "c:/notes.txt"));
    site.writeEntity(C12, "c:/folderB/drawings/part2.dwg", "drawing of part 2\n");
    changes.folder_b = 0;
    for (const auto& file : std::filesystem::recursive_directory_iterator(cluster.entityPath(C12, "c:/folderB")))
        if (file.is_regular_file()) changes.folder_b += file.file_size();
    return changes;
}

void expectConverged(E2eSite& site, const Changes& changes) {
    const auto after = site.scenario().afterChange(changes.budget);
    waitConverged(site, "every update reached every holder of workspace1", site.ids().workspace1,
                  [&](const cluster::ShareView& share) {
                      if (auto problem = after(share); !problem.empty()) return problem;
                      if (auto problem = expectEntry(share, "notes.txt", "ok", changes.notes); !problem.empty())
                          return problem;
                      return expectEntry(share, "folderB", "ok", changes.folder_b);
                  });
    waitConverged(site, "projects shows file100.pdf gone", site.ids().projects,
                  site.scenario().afterChangeProjects());
}

}  // namespace

void checkPatentScenario(E2eSite& site) {
    auto& cluster = site.cluster();
    auto& scenario = site.scenario();

    // Fig. 10: every relay of group 1 holds the same group; R3 also its own; R4 nothing.
    scenario.formGroups();
    const auto& ids = site.ids();
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
    waitConverged(site, "workspace1 shows the change everywhere", ids.workspace1, scenario.afterChange(budget_size));
    waitConverged(site, "projects shows file100.pdf gone", ids.projects, scenario.afterChangeProjects());
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

    // A name not in the share is reported, not silently dropped, and the exit code says so.
    const auto unknown = cluster.adminCli(C11, {"--json", "sync", ids.workspace1, "folderB", "no-such-entry"});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(unknown.err, 4, unknown.exit_code);
    const auto unknown_report = cluster::parseSyncReport(parseJson(unknown.out));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), unknown_report.checked);
    CPPUNIT_ASSERT(unknown_report.unknown_resources == std::vector<std::string>{"no-such-entry"});

    // A share by its name, and by the start of its id.
    const auto by_name = cluster.adminCli(C11, {"sync", "workspace1", "folderB"});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(by_name.err, 0, by_name.exit_code);
    const auto by_start = cluster.adminCli(C11, {"check", ids.workspace1.substr(0, 8)});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(by_start.err, 0, by_start.exit_code);
    const auto unknown_share = cluster.adminCli(C11, {"sync", "no-such-share"});
    CPPUNIT_ASSERT_EQUAL(1, unknown_share.exit_code);
    CPPUNIT_ASSERT_MESSAGE(unknown_share.err, unknown_share.err.find("unknown share 'no-such-share'") != std::string::npos);
    // A mistyped command: the nearest one is suggested.
    const auto typo = cluster.adminCli(C11, {"stauts"});
    CPPUNIT_ASSERT_EQUAL(2, typo.exit_code);
    CPPUNIT_ASSERT_MESSAGE(typo.err, typo.err.find("unknown command 'stauts' (did you mean 'status'?)") != std::string::npos);

    // R1's peers: the other relays and its terminals, none of them cut off (over SIP a relay's
    // state is "unknown" until a send tells: the transport learns it only by sending).
    const auto peers = cluster.adminCli(R1, {"peers"});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(peers.err, 0, peers.exit_code);
    const auto connected = [&](const std::string& account) {
        const auto start = peers.out.find("  " + account + " ");
        if (start == std::string::npos) return false;
        const auto line = peers.out.substr(start, peers.out.find('\n', start) - start);
        return (line.find(" connected ") != std::string::npos || line.find(" unknown ") != std::string::npos) &&
               line.find("not connected") == std::string::npos;
    };
    CPPUNIT_ASSERT_MESSAGE(peers.out, connected("relay-server2@net"));
    CPPUNIT_ASSERT_MESSAGE(peers.out, connected("client11@relay-server1.net"));

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
void checkGoneEntityRemoved(E2eSite& site) {
    site.formGroupsAndShare();
    auto& scenario = site.scenario();
    const auto budget_size = scenario.changeEntities();
    const auto report = scenario.synchronize(C11, site.ids().workspace1);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.gone);  // removed from projects too, unreported
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);
    // The report names them, with their owners.
    CPPUNIT_ASSERT(report.gone_entries == std::vector<std::string>{"file100.pdf (" + C31 + ")"});
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, report.changed_entries.size());
    waitConverged(site, "file100.pdf is removed from workspace1", site.ids().workspace1,
                  scenario.afterChange(budget_size));
    waitConverged(site, "file100.pdf is removed from projects", site.ids().projects,
                  scenario.afterChangeProjects());
    for (const auto& node : kProjectsHolders)
        CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::size_t(1),
                                     site.cluster().status(node).share(site.ids().projects)->entries.size());
}

void prepareRelayCrash(E2eSite& site) {
    site.formGroupsAndShare();
    shareNotesOfClient22(site);
}

// R2 has forwarded the instruction to client21 and client22, client22 has answered, and R2
// waits for client21 (held back with SIGSTOP, so that the moment is certain, not a race):
// then R2 is killed. After its restart its stored session waits on, client21's answer
// arrives, and the report travels R2 -> R1 -> client11.
void checkRelayKilledWhileWaitingForItsTerminals(E2eSite& site) {
    auto& cluster = site.cluster();
    const auto& ids = site.ids();
    StoppedNode held(cluster, C21);

    const auto changes = change(site);
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
    waitForLogLine(site, C21, c21_log, site.closedLinePattern(C21, R2));  // it saw R2 go

    cluster.restart(R2);
    const auto report = cluster.awaitSync(C11, sync_id, 60s);
    CPPUNIT_ASSERT_MESSAGE(joined(report.unreachable_nodes), report.unreachable_nodes.empty());
    CPPUNIT_ASSERT_MESSAGE(joined(report.problems), report.problems.empty());
    CPPUNIT_ASSERT_EQUAL(std::int64_t(7), report.checked);  // 7 entries (projects' file100.pdf unreported)
    CPPUNIT_ASSERT_EQUAL(std::int64_t(3), report.changed);  // budget.xls, notes.txt, folderB
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.gone);     // file100.pdf
    expectConverged(site, changes);
}

// No waiting for a convenient moment: R2 dies right after client11 asks, wherever the
// synchronize then is. Whatever R1 made of it (waiting for R2, or reporting it unreachable),
// the synchronize finishes and, once R2 is back, every update reaches every node, those of
// R2's terminals included.
void checkRelayKilledRightAfterTheSynchronizeIsIssued(E2eSite& site, const std::string& observer) {
    auto& cluster = site.cluster();
    const auto& ids = site.ids();
    const auto changes = change(site);
    const auto sync_id = cluster.startSync(C11, ids.workspace1);
    const auto observer_log = cluster.logText(observer).size();
    cluster.kill(R2);
    waitForLogLine(site, observer, observer_log, site.closedLinePattern(observer, R2));  // it saw R2 go
    cluster.restart(R2);
    const auto report = cluster.awaitSync(C11, sync_id, 60s);
    // Depending on the moment: R1 may have found R2 down, or the restarted R2 its terminals
    // not yet redialled; such nodes are named, and check when their messages reach them.
    for (const auto& node : report.unreachable_nodes)
        CPPUNIT_ASSERT_MESSAGE("only R2 or its terminals may have been missed, not " + node,
                               node == R2 || node == C21 || node == C22);
    CPPUNIT_ASSERT_MESSAGE(joined(report.problems), report.problems.empty());
    expectConverged(site, changes);
}

void checkOfflineOwnerIsReportedAndCatchesUp(E2eSite& site) {
    auto& cluster = site.cluster();
    auto& scenario = site.scenario();
    const auto& ids = site.ids();
    const auto before = cluster.status(R3);
    const auto folder_e_before = before.entry(ids.workspace1, "folderE")->size;

    // client31 (owner of file100.pdf and folderE) stops; R3 sees its connection close.
    const auto log_offset = cluster.logText(R3).size();
    CPPUNIT_ASSERT_MESSAGE("client31 stops cleanly on SIGTERM", cluster.stop(C31));
    waitForLogLine(site, R3, log_offset, site.closedLinePattern(R3, C31));

    // Meanwhile its files change on its disk, and budget.xls changes at client21.
    const auto budget_size = scenario.changeEntities();  // deletes file100.pdf at client31
    site.writeEntity(C31, "c:/folderE/annex.txt", "annex to specification E\n");
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
    waitConverged(site, "budget.xls changed, client31's entries as they were", ids.workspace1, unchanged_there,
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
    waitConverged(site, "client31's check after its return reached every holder", ids.workspace1,
                  [&](const cluster::ShareView& share) {
                      if (auto problem = scenario.afterChange(budget_size)(share); !problem.empty()) return problem;
                      return expectEntry(share, "folderE", "ok", folder_e_after);
                  });
    waitConverged(site, "projects shows file100.pdf gone", ids.projects, scenario.afterChangeProjects());
}

}  // namespace relaysync::e2e
