#pragma once
// The four sites the soak runs: its data folder, the profiles (written on free ports, or taken
// from a folder), certificates, the twelve processes, and the relay groups, terminals and
// shares of the four-site example (cluster::four_site::Scenario), workspace1 among them.

#include <filesystem>
#include <ostream>

#include "cluster/cluster.h"
#include "cluster/four_site.h"
#include "options.h"

namespace relaysync::soak {

// Makes `requested` absolute and empty. It is wiped only when empty or made by this program
// (a marker file in it); any other folder is refused (std::runtime_error).
std::filesystem::path prepareDataDir(const std::filesystem::path& requested);

// Adds the nodes to `cluster`: the profiles in options.config_dir, or the four sites of
// config/four-site written to <data>/profiles with the relays on free ports (so that runs and
// tests on one machine do not collide), options.gone_entity and options.log_level.
void addFourSites(cluster::Cluster& cluster, const Options& options);

// Certificates, the example's files, every node started, groups formed, terminals admitted,
// workspace1 and projects shared; each step waited for. Tells `out` what it did.
cluster::four_site::Ids setUpFourSites(cluster::Cluster& cluster, std::ostream& out);

}  // namespace relaysync::soak
