#pragma once
// The four-site example as twelve processes over TLS, as every process benchmark starts from it:
// profiles generated on free ports, certificates made, the daemons started, groups formed,
// terminals admitted, both shares made. One set-up, so that the benchmarks' figures are taken
// on the same topology.
//
//   FourSiteWorld world(data_dir);
//   world.cluster().addResource(four_site::C11, world.scenario().ids().workspace1, ...);
//
// A benchmark with another transport (SIP) changes the profiles and adds its certificate and
// server through the options.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cluster/cluster.h"
#include "cluster/four_site.h"
#include "cluster/profile_writer.h"

namespace relaysync::bench {

struct FourSiteOptions {
    // Changes the generated profiles before they are written.
    std::function<void(std::vector<cluster::ProfileSpec>&)> adjust_profiles;
    // Certificate requests signed with the nodes' ("relay:<account>", ...).
    std::vector<std::string> extra_certificates;
    // Runs once the entities and certificates exist, before the daemons start.
    std::function<void(cluster::Cluster&)> before_start;
};

class FourSiteWorld {
public:
    // Profiles in dir/profiles, data and certificates in dir/data. Throws what the cluster
    // throws when a step fails.
    explicit FourSiteWorld(const std::filesystem::path& dir,
                           const cluster::ClusterTools& tools = cluster::ClusterTools::fromBuildTree(),
                           const FourSiteOptions& options = {});
    ~FourSiteWorld();  // the scenario, then the daemons (by PID)

    cluster::Cluster& cluster() { return *cluster_; }
    cluster::four_site::Scenario& scenario() { return *scenario_; }

private:
    std::unique_ptr<cluster::Cluster> cluster_;
    std::unique_ptr<cluster::four_site::Scenario> scenario_;
};

}  // namespace relaysync::bench
