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
    more_unknown_resources += other.more_unknown_resources;
    more_unreachable_nodes += other.more_unreachable_nodes;
    more_problems += other.more_problems;
    bound();
}

void SyncReport::bound() {
    const auto cut = [](std::vector<std::string>& examples, std::int64_t& more) {
        if (examples.size() <= kMaxExamples) return;
        more += static_cast<std::int64_t>(examples.size() - kMaxExamples);
        examples.resize(kMaxExamples);
    };
    cut(unknown_resources, more_unknown_resources);
    cut(unreachable_nodes, more_unreachable_nodes);
    cut(problems, more_problems);
}

std::string SyncReport::summary() const {
    std::ostringstream out;
    out << "checked " << checked << ": " << unchanged << " unchanged, " << changed << " changed, "
        << gone << " gone, " << recovered << " recovered, " << unreachable << " unreachable";
    for (const auto& name : unknown_resources) out << "\n  not in the share: " << name;
    if (more_unknown_resources) out << "\n  and " << more_unknown_resources << " more not in the share";
    for (const auto& node : unreachable_nodes) out << "\n  could not be reached: " << node;
    if (more_unreachable_nodes) out << "\n  and " << more_unreachable_nodes << " more that could not be reached";
    for (const auto& problem : problems) out << "\n  " << problem;
    if (more_problems) out << "\n  and " << more_problems << " more problems";
    return out.str();
}

}  // namespace relaysync::core
