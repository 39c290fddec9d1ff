#include "soak_world.h"

#include <fstream>
#include <stdexcept>

#include "cluster/data_folder.h"
#include "cluster/profile_writer.h"
#include "cluster/wait.h"
#include "ports/loopback_ports.h"

namespace fs = std::filesystem;

namespace relaysync::soak {

namespace {


}  // namespace

fs::path prepareDataDir(const fs::path& requested) { return cluster::prepareDataFolder(requested, "relaysync-bench-soak"); }

void addFourSites(cluster::Cluster& cluster, const Options& options) {
    if (!options.config_dir.empty()) {
        cluster.addNodes(options.config_dir);
        return;
    }
    const auto relay_ports = ports::reserveLoopbackPorts(4);
    const auto profiles = cluster.dataDir() / "profiles";
    for (auto spec : cluster::fourSiteProfiles({relay_ports[0], relay_ports[1], relay_ports[2], relay_ports[3]}, options.gone_entity)) {
        spec.log_level = options.log_level;
        cluster::writeProfile(profiles, spec);
    }
    cluster.addNodes(profiles);
}

cluster::four_site::Ids setUpFourSites(cluster::Cluster& cluster, std::ostream& out) {
    using Clock = std::chrono::steady_clock;
    auto started = Clock::now();
    const auto done = [&](const std::string& what) {
        out << "  " << what << " (" << cluster::seconds(Clock::now() - started) << ")\n" << std::flush;
        started = Clock::now();
    };
    cluster::four_site::Scenario scenario(cluster, nullptr, std::chrono::seconds(60));
    cluster.makeCertificates(cluster.certificateRequests());
    done(std::to_string(cluster.accounts().size()) + " certificates and a CA in " + cluster.certsDir().string());
    scenario.createEntities();
    cluster.startAll();
    std::string pids;
    for (const auto& name : cluster.names()) pids += " " + name + "=" + std::to_string(cluster.pid(name));
    done(std::to_string(cluster.names().size()) + " processes started, each answering ping:" + pids);
    scenario.formGroups();
    scenario.admitTerminals();
    scenario.shareResources();
    done("groups formed, terminals admitted, workspace1 " + scenario.ids().workspace1 + " and projects shared");
    return scenario.ids();
}

}  // namespace relaysync::soak
