#pragma once
// The figures the soak prints at the end: changes, synchronizes and their durations, kills and
// restarts, and per process its peak memory and database sizes.

#include <ostream>

#include "chaos.h"
#include "cluster/cluster.h"
#include "process_meter.h"
#include "resource_set.h"
#include "sync_runner.h"

namespace relaysync::soak {

void printChanges(std::ostream& out, const ResourceSet& resources);
// `final_index`: the final synchronize's place in `syncs` (shown apart), or -1.
void printSyncs(std::ostream& out, const SyncRunner& syncs, long final_index);
void printKills(std::ostream& out, const Chaos& chaos);
void printProcesses(std::ostream& out, cluster::Cluster& cluster, const ProcessMeter& meter, const Chaos& chaos);

}  // namespace relaysync::soak
