#pragma once
// The end state the soak expects of workspace1: every entry as its owner's disk has it now
// (file or folder, size, modification time, status "ok"), a gone entity marked "file not found"
// or not listed, by the owner's profile's sync.gone_entity, and every resource the soak shared
// listed unless it is gone and removed. Read the disk once the changes have stopped.

#include <map>
#include <string>
#include <utility>

#include "cluster/cluster.h"
#include "disk_details.h"
#include "resource_set.h"

namespace relaysync::soak {

class ShareCheck {
public:
    ShareCheck(const cluster::Cluster& cluster, const ResourceSet& resources);

    // Empty when `share` (as one holder shows it) is as expected; else how many entries differ
    // and the first few, one line.
    std::string problems(const cluster::ShareView& share) const;

private:
    const DiskDetails& disk(const std::string& owner, const std::string& location) const;
    bool removes(const std::string& owner) const;

    const cluster::Cluster& cluster_;
    const ResourceSet& resources_;
    mutable std::map<std::pair<std::string, std::string>, DiskDetails> disk_;  // read once each
};

// What waits in a node's queues, from its admin status.
struct Queues {
    std::int64_t outbox = 0, dead_letters = 0, deferred = 0;
};
Queues queuesOf(cluster::Cluster& cluster, const std::string& node);

}  // namespace relaysync::soak
