// relaysync-bench-soak: the four sites as real processes over TLS under changes, synchronizes,
// kills and restarts for a while; then a final synchronize, a check that every node agrees with
// the owners' disks, and bounds on memory and database size (see --help and docs/soak.md).
#include <iostream>
#include <random>
#include <stdexcept>

#include <Poco/Exception.h>

#include "bounds.h"
#include "chaos.h"
#include "cluster/cluster.h"
#include "cluster/four_site.h"
#include "cluster/wait.h"
#include "final_phase.h"
#include "options.h"
#include "process_meter.h"
#include "report.h"
#include "resource_set.h"
#include "share_check.h"
#include "soak_loop.h"
#include "soak_world.h"
#include "sync_runner.h"

namespace fs = std::filesystem;
using namespace relaysync;
using namespace relaysync::soak;
using namespace relaysync::cluster::four_site;

namespace {

using namespace std::chrono_literals;

// The members of workspace1, who own its resources and start synchronizes, and the nodes the
// soak kills: every holder of workspace1 (those members and their relays R1-R3).
const std::vector<std::string> kMembers{C11, C12, C21, C22, C31};
const std::vector<std::string> kHolders{R1, R2, R3, C11, C12, C21, C22, C31};

// Example entries beside the soak's: workspace1's 6 and projects' 2.
constexpr std::size_t kExampleEntries = 8;

void heading(const std::string& text) { std::cout << "\n" << text << "\n" << std::flush; }

std::chrono::milliseconds millis(double seconds) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

void populate(cluster::Cluster& cluster, ResourceSet& resources, const std::string& share_id, const Options& options) {
    const auto started = Clock::now();
    std::size_t shown = 0;
    resources.populate(options.files, [&](std::size_t done, std::size_t total) {
        const auto tenth = done * 10 / total;  // a line every tenth, and the last
        if (tenth < shown && done != total) return;
        shown = tenth + 1;
        std::cout << "  " << done << " of " << total << " resources added (" << cluster::seconds(Clock::now() - started)
                  << ")\n" << std::flush;
    });
    const ShareCheck check(cluster, resources);
    Scenario scenario(cluster, nullptr, millis(options.final_deadline));
    const auto waited = Clock::now();
    cluster::waitUntil("every holder of workspace1 lists every resource as on disk", millis(options.final_deadline),
                       [&] {
                           return scenario.shareConverged(share_id, [&](const cluster::ShareView& share) {
                               return check.problems(share);
                           });
                       }, 1s);
    std::cout << "  every holder of workspace1 lists all " << resources.resources().size() + 6
              << " entries as on disk (" << cluster::seconds(Clock::now() - waited) << " after the last add)\n";
}

// soak-data next to this program: inside the build tree, which git ignores.
fs::path defaultDataDir() {
    std::error_code error;
    const auto self = fs::read_symlink("/proc/self/exe", error);
    return (error ? fs::current_path() : self.parent_path()) / "soak-data";
}

int run(const Options& options) {
    cluster::interruptOnSignals();
    const auto data_dir = prepareDataDir(options.data_dir.empty() ? defaultDataDir() : options.data_dir);
    auto tools = cluster::ClusterTools::fromBuildTree();
    if (!options.bin_dir.empty()) tools.bin_dir = fs::absolute(options.bin_dir);
    cluster::Cluster::Bounds bounds;
    bounds.ready = 60s;  // a node restarted on a busy machine, with a large database
    cluster::Cluster cluster(tools, data_dir, data_dir / "certs", bounds);
    addFourSites(cluster, options);
    std::mt19937_64 rng(options.seed);

    std::cout << "relaysync-bench-soak: four sites as real processes over TLS, changed, synchronized, killed and "
                 "restarted\n"
              << "  seed " << options.seed << " (--seed " << options.seed << " to run it again), " << options.seconds
              << " s, " << options.files << " files, " << options.changes_per_second << " changes/s, a synchronize every ~"
              << options.sync_every << " s, a kill every ~" << options.kill_every << " s\n"
              << "  data:     " << data_dir.string() << "\n"
              << "  profiles: "
              << (options.config_dir.empty() ? (data_dir / "profiles").string() + " (config/four-site's sites on free ports)"
                                             : fs::absolute(options.config_dir).string())
              << ", gone_entity " << (cluster.node(C11).profile.gone_entity == core::GoneEntityMode::mark ? "mark" : "remove")
              << "\n  programs: " << tools.bin_dir.string() << "\n";

    heading("Setting up the four sites");
    const auto ids = setUpFourSites(cluster, std::cout);
    ProcessMeter meter(cluster);
    ResourceSet resources(cluster, ids.workspace1, kMembers, rng);
    heading("Sharing " + std::to_string(options.files) + " files in workspace1");
    populate(cluster, resources, ids.workspace1, options);
    meter.markStart();

    heading("Soak: " + std::to_string(static_cast<long>(options.seconds)) + " s of changes, synchronizes, kills and restarts");
    SyncRunner syncs(cluster, ids.workspace1);
    Chaos chaos(cluster, meter, rng, kHolders, {options.kill_every, options.max_down, options.max_downtime});
    SoakParts parts{resources, syncs, chaos, meter, kMembers, rng};
    const auto ran = runSoak(parts, options, std::cout);
    std::cout << "  ran " << cluster::seconds(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(ran)))
              << "\n";

    heading("The end: every node back, a final synchronize, the check");
    auto outcome = finishSoak(cluster, parts, ids.workspace1, options, std::cout);
    meter.sample();

    heading("Stopping every process this program started (SIGTERM, by pid)");
    const auto stopped = cluster.stopAll();
    meter.markStopped();
    std::string unclean;
    for (const auto& each : stopped.unclean) unclean += (unclean.empty() ? "" : "; ") + each;
    std::cout << "  stopped " << stopped.stopped << " processes; logs in " << data_dir.string() << "\n";

    heading("Figures");
    printChanges(std::cout, resources);
    printSyncs(std::cout, syncs, outcome.final_index);
    printKills(std::cout, chaos);
    printProcesses(std::cout, cluster, meter, chaos);

    heading("Checks");
    auto& checks = outcome.bounds;
    std::string crashes;
    for (const auto& crash : chaos.crashes()) crashes += (crashes.empty() ? "" : "; ") + crash;
    checks.push_back(condition("no node exited by itself", crashes, "none did"));
    checks.push_back(memoryBound(meter, options.max_rss_mib));
    checks.push_back(databaseBound(meter, resources.resources().size() + kExampleEntries, options.db_bytes_per_entry,
                                   options.db_overhead_mib));
    checks.push_back(walBound(meter, options.max_wal_mib));
    checks.push_back(condition("every node stopped cleanly on SIGTERM", unclean, "all did"));
    printBounds(std::cout, checks);
    if (allHold(checks)) {
        std::cout << "relaysync-bench-soak: passed\n";
        return 0;
    }
    for (const auto& bound : checks)
        if (!bound.ok) std::cerr << "relaysync-bench-soak: FAILED: " << bound.what << ": " << bound.detail << "\n";
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const auto options = parseOptions(argc, argv);
        if (options.help) {
            std::cout << usage();
            return 0;
        }
        return run(options);
    } catch (const std::invalid_argument& e) {
        std::cerr << "relaysync-bench-soak: " << e.what() << "\n";
        return 2;
    } catch (const Poco::Exception& e) {
        std::cout.flush();
        std::cerr << "relaysync-bench-soak: " << e.displayText() << "\n";
    } catch (const std::exception& e) {
        std::cout.flush();
        std::cerr << "relaysync-bench-soak: " << e.what() << "\n";
    }
    return 1;
}
