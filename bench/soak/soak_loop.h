#pragma once
// The soak phase: for a given time, changes on disk at a steady pace, synchronizes from random
// member terminals, random kills and restarts, and memory and database samples; a progress
// line every ten seconds.

#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "chaos.h"
#include "options.h"
#include "process_meter.h"
#include "resource_set.h"
#include "sync_runner.h"

namespace relaysync::soak {

struct SoakParts {
    ResourceSet& resources;
    SyncRunner& syncs;
    Chaos& chaos;
    ProcessMeter& meter;
    std::vector<std::string> sync_nodes;  // who starts synchronizes: the share's members
    std::mt19937_64& rng;
};

// Returns the seconds it ran. Throws ClusterError when interrupted or a node cannot be
// restarted.
double runSoak(SoakParts& parts, const Options& options, std::ostream& out);

}  // namespace relaysync::soak
