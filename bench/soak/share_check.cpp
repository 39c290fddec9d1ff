#include "share_check.h"

#include <vector>

#include "cluster/four_site.h"

namespace relaysync::soak {

namespace {

constexpr std::size_t kExamples = 3;

std::string shows(const cluster::EntryView& entry) {
    return entry.status + ", " + entry.kind + ", " + std::to_string(entry.size) + " bytes, " +
           utcMillis(entry.modified_ms) + ", version " + std::to_string(entry.version);
}

}  // namespace

ShareCheck::ShareCheck(const cluster::Cluster& cluster, const ResourceSet& resources)
    : cluster_(cluster), resources_(resources) {}

const DiskDetails& ShareCheck::disk(const std::string& owner, const std::string& location) const {
    const auto key = std::make_pair(owner, location);
    auto found = disk_.find(key);
    if (found == disk_.end()) found = disk_.emplace(key, diskDetails(cluster_.entityPath(owner, location))).first;
    return found->second;
}

bool ShareCheck::removes(const std::string& owner) const {
    return cluster_.node(owner).profile.gone_entity == core::GoneEntityMode::remove;
}

std::string ShareCheck::problems(const cluster::ShareView& share) const {
    std::vector<std::string> differ;
    for (const auto& entry : share.entries) {
        const auto& now = disk(entry.owner, entry.location);
        std::string problem;
        if (now.exists) {
            if (entry.status != "ok" || entry.kind != now.kind() || entry.size != now.size ||
                entry.modified_ms != now.modified_ms)
                problem = "shows " + shows(entry) + "; the disk has " + now.describe();
        } else if (removes(entry.owner)) {
            problem = "still listed (" + shows(entry) + ") though gone, and gone_entity is remove";
        } else if (entry.status != "file not found") {
            problem = "shows " + shows(entry) + " though gone";
        }
        if (!problem.empty()) differ.push_back(entry.name + " " + problem);
    }
    for (const auto& resource : resources_.resources()) {
        const auto* entry = share.entry(resource.name);
        if (entry) {
            if (entry->owner != resource.owner || entry->location != resource.location)
                differ.push_back(resource.name + " is listed as " + entry->owner + "'s " + entry->location +
                                 ", shared as " + resource.owner + "'s " + resource.location);
            continue;
        }
        const auto& now = disk(resource.owner, resource.location);
        if (now.exists || !removes(resource.owner))
            differ.push_back(resource.name + " (" + cluster::four_site::label(resource.owner) + " " + resource.location +
                             ", " + now.describe() + ") is not listed");
    }
    if (differ.empty()) return {};
    std::string text = std::to_string(differ.size()) + " of " + std::to_string(share.entries.size()) +
                       " entries differ from the owners' disks:";
    for (std::size_t i = 0; i < differ.size() && i < kExamples; ++i) text += (i ? "; " : " ") + differ[i];
    if (differ.size() > kExamples) text += "; ...";
    return text;
}

Queues queuesOf(cluster::Cluster& cluster, const std::string& node) {
    const auto status = cluster.ask(node, "status");
    Queues queues;
    if (const auto waiting = status->getObject("queues")) {
        queues.outbox = waiting->optValue<std::int64_t>("outbox", 0);
        queues.dead_letters = waiting->optValue<std::int64_t>("dead_letters", 0);
        queues.deferred = waiting->optValue<std::int64_t>("deferred", 0);
    }
    return queues;
}

}  // namespace relaysync::soak
