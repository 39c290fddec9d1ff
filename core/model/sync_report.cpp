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
    appendAll(changed_entries, other.changed_entries);
    appendAll(gone_entries, other.gone_entries);
    appendAll(recovered_entries, other.recovered_entries);
    appendAll(unreachable_entries, other.unreachable_entries);
    more_changed_entries += other.more_changed_entries;
    more_gone_entries += other.more_gone_entries;
    more_recovered_entries += other.more_recovered_entries;
    more_unreachable_entries += other.more_unreachable_entries;
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
    cut(changed_entries, more_changed_entries);
    cut(gone_entries, more_gone_entries);
    cut(recovered_entries, more_recovered_entries);
    cut(unreachable_entries, more_unreachable_entries);
}

void SyncReport::note(std::vector<std::string>& list, std::int64_t& more, std::string example) {
    if (list.size() < kMaxExamples) list.push_back(std::move(example));
    else ++more;
}

std::string SyncReport::summary() const {
    std::ostringstream out;
    out << "checked " << checked << ": " << unchanged << " unchanged, " << changed << " changed, "
        << gone << " gone, " << recovered << " recovered, " << unreachable << " unreachable";
    for (const auto& name : unknown_resources) out << "\n  not in the share: " << name;
    if (more_unknown_resources) out << "\n  and " << more_unknown_resources << " more not in the share";
    for (const auto& node : unreachable_nodes) out << "\n  could not be reached: " << node;
    if (more_unreachable_nodes) out << "\n  and " << more_unreachable_nodes << " more that could not be reached";
    const auto entries = [&](const std::vector<std::string>& list, std::int64_t more, const char* what) {
        for (const auto& entry : list) out << "\n  " << what << ": " << entry;
        if (more) out << "\n  and " << more << " more " << what;
    };
    entries(changed_entries, more_changed_entries, "changed");
    entries(gone_entries, more_gone_entries, "gone");
    entries(recovered_entries, more_recovered_entries, "recovered");
    entries(unreachable_entries, more_unreachable_entries, "unreachable");
    for (const auto& problem : problems) out << "\n  " << problem;
    if (more_problems) out << "\n  and " << more_problems << " more problems";
    return out.str();
}

}  // namespace relaysync::core
