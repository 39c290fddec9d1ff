#pragma once
// The end of a soak: every node running again, the synchronizes still open finished, one
// whole-share synchronize from a member terminal, then every holder of the share showing the
// same entries, matching the owners' disks, and every queue drained. Each wait is bounded by
// options.final_deadline; what did not happen is returned as a failed bound, not thrown.

#include <ostream>
#include <string>
#include <vector>

#include "bounds.h"
#include "cluster/cluster.h"
#include "options.h"
#include "soak_loop.h"

namespace relaysync::soak {

struct FinalOutcome {
    std::vector<Bound> bounds;
    long final_index = -1;  // the final synchronize in parts.syncs.records()
};

FinalOutcome finishSoak(cluster::Cluster& cluster, SoakParts& parts, const std::string& share_id,
                        const Options& options, std::ostream& out);

}  // namespace relaysync::soak
