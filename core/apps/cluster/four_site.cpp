#include "cluster/four_site.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include "cluster/wait.h"

namespace fs = std::filesystem;

namespace relaysync::cluster::four_site {

namespace {

using namespace std::chrono_literals;

// An entry to be: who owns the entity, the name it is shared under, where it is for its owner.
struct Resource {
    std::string owner, name, location;
};

// workspace1 as in Fig. 7-9: every member may own entries; file00ZX.xls is Fig. 9's file on
// Tokyo's file server; file100.pdf is the file client31 deletes.
const std::string kFileServerBudget = "network/z:/folderZ/budget.xls";

const std::vector<Resource> kWorkspace1 = {
    {C11, "folderA", "c:/folderA"},          {C11, "file00ZX.xls", "network/z:/folderZ/budget.xls"},
    {C12, "folderB", "c:/folderB"},          {C21, "budget.xls", "c:/budget.xls"},
    {C31, "file100.pdf", "c:/docs/file100.pdf"}, {C31, "folderE", "c:/folderE"},
};
// projects (group2, R3 alone) lists file100.pdf too (patent seq 44).
const std::vector<Resource> kProjects = {
    {C31, "file100.pdf", "c:/docs/file100.pdf"},
    {C32, "schedule.xls", "c:/schedule.xls"},
};

struct EntityFile {
    std::string owner, location, content;
};
const std::vector<EntityFile> kEntities = {
    {C11, "c:/folderA/plan.txt", "Q4 sales plan\n"},
    {C11, "c:/folderA/minutes.txt", "minutes of the kick-off\n"},
    {C11, "network/z:/folderZ/budget.xls", "budget of the Tokyo office\n"},
    {C12, "c:/folderB/design.doc", "design notes\n"},
    {C12, "c:/folderB/drawings/part1.dwg", "drawing of part 1\n"},
    {C21, "c:/budget.xls", "Osaka budget, first draft\n"},
    {C31, "c:/docs/file100.pdf", "%PDF-1.4 file 100\n"},
    {C31, "c:/folderE/spec.txt", "specification E\n"},
    {C32, "c:/schedule.xls", "project schedule\n"},
};

// Group 1's terminals in the order they are admitted (Fig. 11: 11, 21, 31, then 12 and 22).
const std::vector<std::string> kGroup1Terminals = {C11, C21, C31, C12, C22};
const std::vector<std::string> kGroup2Terminals = {C31, C32};

std::string relayOf(Cluster& cluster, const std::string& terminal) { return cluster.node(terminal).profile.relay; }

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : " ") + label(item);
    return text;
}

std::string describe(const EntryView& entry) {
    return entry.name + " (" + entry.status + ", " + std::to_string(entry.size) + " bytes, version " +
           std::to_string(entry.version) + ")";
}

}  // namespace

std::string label(const std::string& account) {
    const std::string relay_prefix = "relay-server";
    if (account.rfind(relay_prefix, 0) == 0) return "R" + account.substr(relay_prefix.size(), account.find('@') - relay_prefix.size());
    return account.substr(0, account.find('@'));
}

std::string expectEntry(const ShareView& share, const std::string& name, const std::string& status,
                        std::optional<std::uint64_t> size) {
    const auto* entry = share.entry(name);
    if (!entry) return share.name + " has no entry " + name;
    if (entry->status != status) return share.name + ": " + describe(*entry) + ", expected status '" + status + "'";
    if (size && entry->size != *size)
        return share.name + ": " + describe(*entry) + ", expected " + std::to_string(*size) + " bytes";
    return {};
}

std::string expectNoEntry(const ShareView& share, const std::string& name) {
    const auto* entry = share.entry(name);
    return entry ? share.name + " still lists " + describe(*entry) : std::string();
}

Scenario::Scenario(Cluster& cluster, std::ostream* out, std::chrono::milliseconds bound)
    : cluster_(cluster), out_(out), bound_(bound) {}

void Scenario::say(const std::string& line) {
    if (out_) *out_ << line << "\n" << std::flush;
}

void Scenario::createEntities() {
    for (const auto& account : cluster_.accounts()) {
        const auto& info = cluster_.node(account);
        for (const auto& store : info.profile.stores)
            if (const auto root = store.plugin.config.find("root"); root != store.plugin.config.end())
                fs::create_directories(root->second);
    }
    for (const auto& [owner, location, content] : kEntities) {
        const auto path = cluster_.entityPath(owner, location);
        fs::create_directories(path.parent_path());
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        file << content;
        file.close();
        if (!file) throw ClusterError("cannot write " + path.string());
        std::ostringstream line;
        line << "  " << std::left << std::setw(10) << label(owner) << std::setw(31) << location << path.string();
        say(line.str());
    }
}

void Scenario::formGroups() {
    ids_.group1 = cluster_.createGroup(R1, R2);
    say("  seq 11-13  R1 create-group " + R2 + " -> group " + ids_.group1);
    // R2 can invite R3 only once R1's group-info has reached it.
    waitHolds(R2, ids_.group1);
    cluster_.addGroup(R2, R3, ids_.group1);
    say("  seq 14-19  R2 add-group " + R3 + " " + ids_.group1);
    ids_.group2 = cluster_.createGroup(R3);
    say("             R3 create-group -> group " + ids_.group2 + " (R3 alone)");
    waitUntil("R1, R2 and R3 hold the same relay groups", bound_, [&] { return groupsAgree(); });
    say("             R1, R2 and R3 agree on " + ids_.group1 + " (Tokyo, Osaka, Nagoya)");
}

void Scenario::waitHolds(const std::string& node, const std::string& id) {
    waitUntil(label(node) + " holds " + id, bound_, [&]() -> std::string {
        const auto status = cluster_.status(node);
        return status.group(id) || status.share(id) ? std::string() : label(node) + " does not hold " + id + " yet";
    }, 50ms);
}

std::string Scenario::groupsAgree() {
    const auto r1 = cluster_.status(R1);
    const auto* reference = r1.group(ids_.group1);
    if (!reference) return "R1 does not hold " + ids_.group1;
    for (const auto& [account, name] : std::vector<std::pair<std::string, std::string>>{
             {R1, "Tokyo"}, {R2, "Osaka"}, {R3, "Nagoya"}}) {
        bool named = false;
        for (const auto& relay : reference->relays) named = named || (relay.account == account && relay.display_name == name);
        if (!named) return "R1's " + ids_.group1 + " does not list " + label(account) + " as " + name + " yet";
    }
    if (reference->relays.size() != 3) return "R1's " + ids_.group1 + " has " + std::to_string(reference->relays.size()) + " relays";
    for (const auto& relay : {R2, R3}) {
        const auto status = cluster_.status(relay);
        const auto* group = status.group(ids_.group1);
        if (!group) return label(relay) + " does not hold " + ids_.group1;
        if (*group != *reference) return label(relay) + "'s " + ids_.group1 + " differs from R1's";
    }
    const auto r3 = cluster_.status(R3);
    const auto* alone = r3.group(ids_.group2);
    if (!alone || alone->relays.size() != 1 || !alone->hasRelay(R3)) return "R3 does not hold " + ids_.group2 + " alone";
    if (!cluster_.status(R4).groups.empty()) return "R4 holds a group";
    return {};
}

void Scenario::admitTerminals() {
    const std::vector<std::string> figure{"seq 21-23", "seq 24-26", "seq 27-29", "", ""};
    for (std::size_t i = 0; i < kGroup1Terminals.size(); ++i) {
        const auto& terminal = kGroup1Terminals[i];
        const auto relay = relayOf(cluster_, terminal);
        cluster_.addTerminal(relay, ids_.group1, terminal);
        std::ostringstream line;
        line << "  " << std::left << std::setw(11) << figure[i] << label(relay) << " add-terminal " << ids_.group1 << " "
             << terminal << " (" << cluster_.node(terminal).profile.display_name << ", "
             << cluster_.node(terminal).profile.department << ")";
        say(line.str());
    }
    for (const auto& terminal : kGroup2Terminals) {
        cluster_.addTerminal(R3, ids_.group2, terminal);
        say("             R3 add-terminal " + ids_.group2 + " " + terminal);
    }
    waitUntil("every relay and admitted terminal shows the same groups", bound_, [&] { return terminalsAgree(); });
    say("             every relay of each group and every admitted terminal shows the same group information");
}

std::string Scenario::terminalsAgree() {
    struct Expected {
        std::string group;
        std::vector<std::string> relays, terminals;
    };
    const std::vector<Expected> expected{{ids_.group1, {R1, R2, R3}, kGroup1Terminals},
                                         {ids_.group2, {R3}, kGroup2Terminals}};
    for (const auto& [group_id, relays, terminals] : expected) {
        const auto reference_status = cluster_.status(relays.front());
        const auto* reference = reference_status.group(group_id);
        if (!reference) return label(relays.front()) + " does not hold " + group_id;
        if (reference->terminals.size() != terminals.size())
            return label(relays.front()) + "'s " + group_id + " lists " + std::to_string(reference->terminals.size()) +
                   " terminals, expected " + std::to_string(terminals.size());
        for (const auto& terminal : terminals) {
            const auto* record = reference->terminal(terminal);
            const auto& profile = cluster_.node(terminal).profile;
            if (!record) return label(relays.front()) + "'s " + group_id + " does not list " + label(terminal);
            if (record->display_name != profile.display_name || record->department != profile.department ||
                record->relay != profile.relay)
                return label(relays.front()) + "'s record of " + label(terminal) + " is not its profile's";
        }
        std::vector<std::string> holders = relays;
        holders.insert(holders.end(), terminals.begin(), terminals.end());
        for (const auto& holder : holders) {
            const auto status = cluster_.status(holder);
            const auto* group = status.group(group_id);
            if (!group) return label(holder) + " does not hold " + group_id;
            if (*group != *reference) return label(holder) + "'s " + group_id + " differs from " + label(relays.front()) + "'s";
        }
    }
    // Who must not know a group: R4, client41, client42 (none), client32 (not group1).
    for (const auto& outsider : {R4, C41, C42})
        if (!cluster_.status(outsider).groups.empty()) return label(outsider) + " holds a group";
    if (cluster_.status(C32).group(ids_.group1)) return "client32 holds " + ids_.group1;
    return {};
}

void Scenario::shareResources() {
    ids_.workspace1 = cluster_.createShare(C11, ids_.group1, "workspace1", {C12, C21, C22, C31});
    say("  seq 31     client11 create-share " + ids_.group1 + " workspace1 " + joined({C12, C21, C22, C31}) + " -> " +
        ids_.workspace1);
    ids_.projects = cluster_.createShare(C31, ids_.group2, "projects", {C32});
    say("             client31 create-share " + ids_.group2 + " projects client32 -> " + ids_.projects);
    const auto add = [&](const std::string& share, const std::string& share_name, const std::vector<Resource>& resources) {
        for (const auto& [owner, name, location] : resources) {
            waitHolds(owner, share);  // the policy-data has to reach the owner first
            cluster_.addResource(owner, share, name, location);
            say("  seq 32     " + label(owner) + " add-resource " + share_name + " " + name + " " + location);
        }
    };
    add(ids_.workspace1, "workspace1", kWorkspace1);
    add(ids_.projects, "projects", kProjects);
    const auto all = [](std::size_t count) {
        return [count](const ShareView& share) {
            return share.entries.size() == count ? std::string()
                                                 : share.name + " has " + std::to_string(share.entries.size()) + " entries";
        };
    };
    waitShareConverged("every holder of workspace1 shows its 6 entries", ids_.workspace1, all(kWorkspace1.size()));
    waitShareConverged("every holder of projects shows its 2 entries", ids_.projects, all(kProjects.size()));
    say("             every member and its relay holds both shares; nobody else does");
}

std::uint64_t Scenario::changeEntities() {
    const auto pdf = cluster_.entityPath(C31, "c:/docs/file100.pdf");
    fs::remove(pdf);
    say("  client31 deletes c:/docs/file100.pdf (" + pdf.string() + ")");
    const auto budget = cluster_.entityPath(C21, "c:/budget.xls");
    const auto size_before = fs::file_size(budget);
    const auto time_before = fs::last_write_time(budget);
    std::ofstream(budget, std::ios::app) << "Osaka budget, second draft: travel +10%\n";
    fs::last_write_time(budget, time_before + 90s);
    const auto size = fs::file_size(budget);
    say("  client21 appends to c:/budget.xls: " + std::to_string(size_before) + " -> " + std::to_string(size) +
        " bytes, modified 90 s later");
    return size;
}

std::uint64_t Scenario::changeFileServerBudget() {
    const auto budget = cluster_.entityPath(C11, kFileServerBudget);
    const auto size_before = fs::file_size(budget);
    const auto time_before = fs::last_write_time(budget);
    std::ofstream(budget, std::ios::app) << "Tokyo budget, revised: rent +5%\n";
    fs::last_write_time(budget, time_before + 90s);
    const auto size = fs::file_size(budget);
    say("  Tokyo's file server: " + kFileServerBudget + " grows " + std::to_string(size_before) + " -> " +
        std::to_string(size) + " bytes, modified 90 s later (" + budget.string() + ")");
    return size;
}

SyncReportView Scenario::synchronize(const std::string& node, const std::string& share,
                                     const std::vector<std::string>& names,
                                     const std::function<void(const std::vector<std::string>&)>& progress) {
    const auto sync_id = cluster_.startSync(node, share, names);
    return cluster_.awaitSync(node, sync_id, bound_, progress);
}

std::vector<std::string> Scenario::holdersOf(const std::string& share_id) {
    // The members as the first node holding the share stores them (members never change here).
    for (const auto& account : cluster_.accounts()) {
        if (!cluster_.running(account)) continue;
        const auto status = cluster_.status(account);
        if (const auto* share = status.share(share_id)) {
            std::set<std::string> holders;
            for (const auto& member : share->members) {
                holders.insert(member);
                holders.insert(relayOf(cluster_, member));
            }
            return {holders.begin(), holders.end()};
        }
    }
    throw ClusterError("no running node holds " + share_id);
}

std::string Scenario::shareConverged(const std::string& share_id, const ShareExpectation& expectation,
                                     const std::set<std::string>& skip) {
    const auto holders = holdersOf(share_id);
    std::optional<ShareView> reference;
    std::string reference_holder;
    for (const auto& account : cluster_.accounts()) {
        if (skip.count(account) || skip.count(cluster_.node(account).name)) continue;
        const auto status = cluster_.status(account);
        const auto* share = status.share(share_id);
        const bool holder = std::find(holders.begin(), holders.end(), account) != holders.end();
        if (!holder) {
            if (share) return label(account) + " holds " + share->name + " though it is no member and serves none";
            continue;
        }
        if (!share) return label(account) + " does not hold " + share_id;
        if (expectation)
            if (auto problem = expectation(*share); !problem.empty()) return "at " + label(account) + ": " + problem;
        if (!reference) {
            reference = *share;
            reference_holder = account;
        } else if (share->entries != reference->entries || share->members != reference->members) {
            return label(account) + "'s " + share->name + " differs from " + label(reference_holder) + "'s";
        }
    }
    return {};
}

void Scenario::waitShareConverged(const std::string& what, const std::string& share_id,
                                  const ShareExpectation& expectation, const std::set<std::string>& skip) {
    waitUntil(what, bound_, [&] { return shareConverged(share_id, expectation, skip); });
}

ShareExpectation Scenario::afterChange(std::uint64_t budget_size) const {
    const bool mark = cluster_.node(C31).profile.gone_entity == core::GoneEntityMode::mark;
    return [budget_size, mark](const ShareView& share) {
        if (auto problem = expectEntry(share, "budget.xls", "ok", budget_size); !problem.empty()) return problem;
        return mark ? expectEntry(share, "file100.pdf", "file not found") : expectNoEntry(share, "file100.pdf");
    };
}

ShareExpectation Scenario::afterChangeProjects() const {
    const bool mark = cluster_.node(C31).profile.gone_entity == core::GoneEntityMode::mark;
    return [mark](const ShareView& share) {
        return mark ? expectEntry(share, "file100.pdf", "file not found") : expectNoEntry(share, "file100.pdf");
    };
}

std::string Scenario::finalStateProblems(std::uint64_t budget_size) {
    if (auto problem = shareConverged(ids_.workspace1, afterChange(budget_size)); !problem.empty())
        return "workspace1: " + problem;
    if (auto problem = shareConverged(ids_.projects, afterChangeProjects()); !problem.empty())
        return "projects: " + problem;
    return {};
}

}  // namespace relaysync::cluster::four_site
