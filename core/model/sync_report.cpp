#include "model/sync_report.h"

#include <sstream>
#include <utility>

namespace relaysync::core {

namespace {

// Every bounded list of examples, with the count of what it left out.
using ExampleList = std::pair<std::vector<std::string> SyncReport::*, std::int64_t SyncReport::*>;
constexpr ExampleList kExampleLists[] = {
    {&SyncReport::unknown_resources, &SyncReport::more_unknown_resources},
    {&SyncReport::unreachable_nodes, &SyncReport::more_unreachable_nodes},
    {&SyncReport::problems, &SyncReport::more_problems},
    {&SyncReport::changed_entries, &SyncReport::more_changed_entries},
    {&SyncReport::gone_entries, &SyncReport::more_gone_entries},
    {&SyncReport::recovered_entries, &SyncReport::more_recovered_entries},
    {&SyncReport::unreachable_entries, &SyncReport::more_unreachable_entries},
};

}  // namespace

void SyncReport::merge(const SyncReport& other) {
    checked += other.checked;
    unchanged += other.unchanged;
    changed += other.changed;
    gone += other.gone;
    recovered += other.recovered;
    unreachable += other.unreachable;
    for (const auto& [list, more] : kExampleLists) {
        (this->*list).insert((this->*list).end(), (other.*list).begin(), (other.*list).end());
        this->*more += other.*more;
    }
    bound();
}

void SyncReport::bound() {
    for (const auto& [list, more] : kExampleLists) {
        auto& examples = this->*list;
        if (examples.size() <= kMaxExamples) continue;
        this->*more += static_cast<std::int64_t>(examples.size() - kMaxExamples);
        examples.resize(kMaxExamples);
    }
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
