#include "model/sync_report.h"

#include <sstream>

namespace relaysync::core {

namespace {
void appendAll(std::vector<std::string>& to, const std::vector<std::string>& from) {
    to.insert(to.end(), from.begin(), from.end());
}
}  // namespace

void SyncReport::merge(const SyncReport& other) {
    checked += other.checked;
    unchanged += other.unchanged;
    changed += other.changed;
    gone += other.gone;
    recovered += other.recovered;
    unreachable += other.unreachable;
    appendAll(unknown_resources, other.unknown_resources);
    appendAll(unreachable_nodes, other.unreachable_nodes);
    appendAll(problems, other.problems);
}

std::string SyncReport::summary() const {
    std::ostringstream out;
    out << "checked " << checked << ": " << unchanged << " unchanged, " << changed << " changed, "
        << gone << " gone, " << recovered << " recovered, " << unreachable << " unreachable";
    for (const auto& name : unknown_resources) out << "\n  not in the share: " << name;
    for (const auto& node : unreachable_nodes) out << "\n  could not be reached: " << node;
    for (const auto& problem : problems) out << "\n  " << problem;
    return out.str();
}

}  // namespace relaysync::core
