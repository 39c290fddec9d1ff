#include "final_phase.h"

#include <cstdio>

#include "cluster/four_site.h"
#include "cluster/wait.h"
#include "share_check.h"

namespace relaysync::soak {

namespace {

using namespace std::chrono_literals;

// Runs a bounded wait and says how it went: empty when `condition` came true.
std::string waitFor(const std::string& what, std::chrono::milliseconds bound, const std::function<std::string()>& condition,
                    std::chrono::milliseconds poll, std::ostream& out) {
    const auto start = Clock::now();
    try {
        cluster::waitUntil(what, bound, condition, poll);
    } catch (const cluster::ClusterError& e) {
        if (cluster::interruptRequested()) throw;
        out << "  NOT within " << cluster::seconds(bound) << ": " << what << "\n" << std::flush;
        return e.what();
    }
    out << "  " << what << " (" << cluster::seconds(Clock::now() - start) << ")\n" << std::flush;
    return {};
}

std::string tookSeconds(const SyncRecord& record) {
    char text[48];
    std::snprintf(text, sizeof text, "took %.1f s", record.seconds);
    return text;
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : "; ") + item;
    return text;
}

}  // namespace

FinalOutcome finishSoak(cluster::Cluster& cluster, SoakParts& parts, const std::string& share_id,
                        const Options& options, std::ostream& out) {
    FinalOutcome outcome;
    const auto bound = std::chrono::milliseconds(static_cast<std::int64_t>(options.final_deadline * 1000));
    const auto up = [&](const std::string& node) { return parts.chaos.up(node); };

    parts.chaos.restartAll();
    std::vector<std::string> stopped;
    for (const auto& node : cluster.names())
        if (!cluster.running(node)) stopped.push_back(node);
    outcome.bounds.push_back(condition("every node runs again after the soak",
                                       stopped.empty() ? "" : "not running: " + joined(stopped),
                                       std::to_string(cluster.names().size()) + " processes"));
    out << "  every node restarted and answering ping\n" << std::flush;

    const auto open = waitFor("every synchronize started during the soak has finished", bound, [&]() -> std::string {
        parts.syncs.poll(up, 0ms);
        const auto left = parts.syncs.unfinished();
        return left.empty() ? "" : std::to_string(left.size()) + " still open: " + joined(left);
    }, 500ms, out);
    outcome.bounds.push_back(condition("every synchronize started during the soak finished", open,
                                       std::to_string(parts.syncs.records().size()) + " finished"));

    // The final synchronize, from a random member terminal.
    const auto& node = parts.sync_nodes[std::uniform_int_distribution<std::size_t>(0, parts.sync_nodes.size() - 1)(parts.rng)];
    std::string final_problem;
    if (!parts.syncs.start(node)) {
        final_problem = "could not start it at " + node + ": " + parts.syncs.failureReasons().back();
    } else {
        outcome.final_index = static_cast<long>(parts.syncs.records().size()) - 1;
        final_problem = waitFor("the final whole-share synchronize from " + node + " has finished", bound,
                                [&]() -> std::string {
                                    parts.syncs.poll(up, 0ms);
                                    return parts.syncs.last().finished ? "" : "still open";
                                }, 100ms, out);
        const auto& report = parts.syncs.last().report;
        if (final_problem.empty() && !report.unreachable_nodes.empty())
            final_problem = "its report names unreachable nodes: " + joined(report.unreachable_nodes);
        if (final_problem.empty() && !report.problems.empty())
            final_problem = "its report names problems: " + joined(report.problems);
    }
    outcome.bounds.push_back(condition("the final whole-share synchronize finished, every node reached, no problem",
                                       final_problem, final_problem.empty() ? tookSeconds(parts.syncs.last()) : ""));

    // Every holder the same entries, each as its owner's disk has it.
    const ShareCheck check(cluster, parts.resources);
    cluster::four_site::Scenario scenario(cluster, nullptr, bound);
    const auto converged = waitFor("every holder of workspace1 shows the same entries, matching the owners' disks", bound,
                                   [&] {
                                       return scenario.shareConverged(share_id, [&](const cluster::ShareView& share) {
                                           return check.problems(share);
                                       });
                                   }, 1000ms, out);
    outcome.bounds.push_back(condition("converged: every holder of workspace1 the same, as on the owners' disks",
                                       converged, std::to_string(parts.resources.resources().size()) +
                                                      " resources of the soak checked at 8 holders"));

    const auto drained = waitFor("every node's outbox is empty and nothing waits deferred", bound, [&]() -> std::string {
        for (const auto& each : cluster.names()) {
            const auto queues = queuesOf(cluster, each);
            if (queues.outbox || queues.deferred)
                return each + " has " + std::to_string(queues.outbox) + " in its outbox, " +
                       std::to_string(queues.deferred) + " deferred";
        }
        return {};
    }, 500ms, out);
    outcome.bounds.push_back(condition("every outbox drained, nothing deferred", drained));
    std::string dead;
    for (const auto& each : cluster.names())
        if (const auto queues = queuesOf(cluster, each); queues.dead_letters)
            dead += " " + each + " " + std::to_string(queues.dead_letters);
    outcome.bounds.push_back(condition("no dead letters", dead.empty() ? "" : "dead letters at" + dead));
    return outcome;
}

}  // namespace relaysync::soak
