#include "demo_scenario.h"

#include <chrono>
#include <fstream>
#include <iomanip>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSONString.h>

#include "assembly/status_view.h"
#include "protocol/codec.h"

namespace relaysync::demo {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::string R1 = "relay-server1@net";
const std::string R2 = "relay-server2@net";
const std::string R3 = "relay-server3@net";
const std::string R4 = "relay-server4@net";
const std::string C11 = "client11@relay-server1.net";
const std::string C12 = "client12@relay-server1.net";
const std::string C21 = "client21@relay-server2.net";
const std::string C22 = "client22@relay-server2.net";
const std::string C31 = "client31@relay-server3.net";
const std::string C32 = "client32@relay-server3.net";

// A resource entry to be: which terminal owns the entity, the name it is shared under, and
// where the entity lives as that terminal sees it.
struct Resource {
    std::string owner;
    std::string name;
    std::string location;
};

// workspace1 (group 1) as in patent Fig. 7-9: every member may own entries. file00ZX.xls is
// Fig. 9's file on Tokyo's file server; file100.pdf is the file client31 deletes.
const std::vector<Resource> kWorkspace1 = {
    {C11, "folderA", "c:/folderA"},
    {C11, "file00ZX.xls", "network/z:/folderZ/budget.xls"},
    {C12, "folderB", "c:/folderB"},
    {C21, "budget.xls", "c:/budget.xls"},
    {C31, "file100.pdf", "c:/docs/file100.pdf"},
    {C31, "folderE", "c:/folderE"},
};
// projects (group 2, R3 alone): file100.pdf is listed here too (patent seq 44).
const std::vector<Resource> kProjects = {
    {C31, "file100.pdf", "c:/docs/file100.pdf"},
    {C32, "schedule.xls", "c:/schedule.xls"},
};

std::string messageType(const std::string& payload) {
    try {
        return core::wireName(core::decode(payload).type);
    } catch (const std::exception&) {
        return "(undecodable)";
    }
}

class Scenario {
public:
    Scenario(DemoWorld& world, std::ostream& out, const ScenarioOptions& options)
        : world_(world), out_(out), options_(options) {}

    void run() {
        createEntities();
        formGroups();
        admitTerminals();
        shareResources();
        printState("BEFORE the synchronize", {R1, C11, R3});
        changeEntities();
        const auto report = synchronize();
        out_ << "\nSync report (stored at client11, summed over every terminal reached)\n"
             << indent(core::renderSyncReport(report));
        printState("AFTER the synchronize", {R1, R2, R3, R4, C11, C32});
        verify();
        out_ << "\nThe network carried " << world_.network().carried().size() << " messages in all.\n";
        if (options_.json) printJson();
    }

private:
    // --- the steps ---------------------------------------------------------------------------

    void createEntities() {
        heading("Resource entities on disk (the terminals' local stores)");
        writeFile(C11, "c:/folderA/plan.txt", "Q4 sales plan\n");
        writeFile(C11, "c:/folderA/minutes.txt", "minutes of the kick-off\n");
        writeFile(C11, "network/z:/folderZ/budget.xls", "budget of the Tokyo office\n");
        writeFile(C12, "c:/folderB/design.doc", "design notes\n");
        writeFile(C12, "c:/folderB/drawings/part1.dwg", "drawing of part 1\n");
        writeFile(C21, "c:/budget.xls", "Osaka budget, first draft\n");
        writeFile(C31, "c:/docs/file100.pdf", "%PDF-1.4 file 100\n");
        writeFile(C31, "c:/folderE/spec.txt", "specification E\n");
        writeFile(C32, "c:/schedule.xls", "project schedule\n");
    }

    void formGroups() {
        heading("Relay groups (Fig. 10)");
        step("seq 11-13", [&] {
            group1_ = relay(R1).withRelay([](core::RelayEngine& r) { return r.createGroup(R2); });
            return "R1 createGroup(R2) -> group " + group1_;
        });
        // The patent has R2, already a member, invite R3 (seq 14-19).
        step("seq 14-19", [&] {
            relay(R2).withRelay([&](core::RelayEngine& r) { r.addGroup(R3, group1_); });
            return "R2 addGroup(R3, " + group1_ + ")";
        });
        step("", [&] {
            group2_ = relay(R3).withRelay([](core::RelayEngine& r) { return r.createGroup(std::nullopt); });
            return "R3 createGroup() -> group " + group2_ + " (R3 alone)";
        });
    }

    void admitTerminals() {
        heading("Resource-shareable terminals (Fig. 11)");
        admit(R1, group1_, C11, "seq 21-23");
        admit(R2, group1_, C21, "seq 24-26");
        admit(R3, group1_, C31, "seq 27-29");
        admit(R1, group1_, C12, "");
        admit(R2, group1_, C22, "");
        admit(R3, group2_, C31, "");
        admit(R3, group2_, C32, "");
    }

    void shareResources() {
        heading("Shares and resources (Fig. 12)");
        step("seq 31", [&] {
            workspace1_ = terminal(C11).withTerminal([&](core::TerminalEngine& t) {
                return t.createShare(group1_, "workspace1", {C12, C21, C22, C31});
            });
            return "client11 CreateSharedResource(workspace1, " + group1_ + ", 12 21 22 31)";
        });
        addResources(workspace1_, kWorkspace1);
        step("", [&] {
            projects_ = terminal(C31).withTerminal(
                [&](core::TerminalEngine& t) { return t.createShare(group2_, "projects", {C32}); });
            return "client31 CreateSharedResource(projects, " + group2_ + ", 32)";
        });
        addResources(projects_, kProjects);
    }

    void changeEntities() {
        heading("The world changes");
        const auto pdf = world_.entityPath(C31, "c:/docs/file100.pdf");
        fs::remove(pdf);
        out_ << "  client31 deletes c:/docs/file100.pdf (" << pdf.string() << ")\n";

        const auto budget = world_.entityPath(C21, "c:/budget.xls");
        const auto size_before = fs::file_size(budget);
        const auto time_before = fs::last_write_time(budget);
        std::ofstream(budget, std::ios::app) << "Osaka budget, second draft: travel +10%\n";
        fs::last_write_time(budget, time_before + 90s);
        budget_size_ = fs::file_size(budget);
        out_ << "  client21 appends to c:/budget.xls: " << size_before << " -> " << budget_size_
             << " bytes, modified 90 s later\n";
    }

    core::SyncReport synchronize() {
        heading("Synchronize (Fig. 13, 15, 16)");
        std::string sync_id;
        const auto messages = step(
            "seq 41-44",
            [&] {
                sync_id = terminal(C11).synchronize(workspace1_);
                return "client11 synchronize(workspace1) -> " + sync_id;
            },
            true);

        const auto report = terminal(C11).withEngine([&](core::EngineBase& e) { return e.syncs().result(sync_id); });
        if (!report)
            throw std::runtime_error("synchronize " + sync_id + " did not finish: no report reached client11 after " +
                                     std::to_string(messages) + " messages");
        return *report;
    }

    // Every node that holds a share must hold the same entries, and show what happened.
    void verify() {
        heading("Check: does every node agree?");
        const auto gone = world_.profile(C31).gone_entity;
        verifyShare(workspace1_, "workspace1", [&](const std::vector<core::ResourceEntry>& entries) {
            const auto* budget = find(entries, "budget.xls");
            if (!budget || budget->details.size != budget_size_ || budget->status != core::kStatusOk)
                return std::string("budget.xls does not show the new size ") + std::to_string(budget_size_);
            return expectGone(entries, "file100.pdf", gone);
        });
        verifyShare(projects_, "projects", [&](const std::vector<core::ResourceEntry>& entries) {
            return expectGone(entries, "file100.pdf", gone);
        });
        if (gone == core::GoneEntityMode::mark)
            out_ << "  The profiles say sync.gone_entity: mark, so file100.pdf stays listed with status \""
                 << core::kStatusFileNotFound << "\"\n  (Fig. 14 seq 61) in both shares, also in projects of "
                 << "the other group (CheckAnotherResourceInfo, seq 44).\n";
        else
            out_ << "  The profiles say sync.gone_entity: remove, so file100.pdf was removed from both shares "
                 << "(Fig. 13 seq 43-44).\n";
    }

    // --- helpers -----------------------------------------------------------------------------

    core::Node& relay(const std::string& account) { return world_.node(account); }
    core::Node& terminal(const std::string& account) { return world_.node(account); }

    void heading(const std::string& text) { out_ << "\n" << text << "\n"; }

    // Runs one command (it returns what to call it), delivers every message it caused, and says
    // what it was and how many messages it cost; with `list_messages` (or --trace) also which,
    // in order of sending. Returns the number of messages.
    template <class Command>
    std::size_t step(const std::string& figure, Command&& command, bool list_messages = false) {
        const auto& carried = world_.network().carried();
        const auto first = carried.size();
        const std::string text = command();
        world_.settle();
        out_ << "  " << std::left << std::setw(10) << figure << std::setw(74) << text << std::right << std::setw(4)
             << carried.size() - first << " messages\n";
        if (list_messages || options_.trace) listMessages(first);
        return carried.size() - first;
    }

    void listMessages(std::size_t first) {
        const auto& carried = world_.network().carried();
        for (auto i = first; i < carried.size(); ++i)
            out_ << "            " << std::setw(3) << (i - first + 1) << "  " << std::left << std::setw(9)
                 << DemoWorld::label(carried[i].from) << " -> " << std::setw(9) << DemoWorld::label(carried[i].to)
                 << std::right << "  " << messageType(carried[i].payload) << "\n";
    }

    static std::string indent(const std::string& text) {
        std::string out;
        std::size_t start = 0;
        while (start < text.size()) {
            const auto end = text.find('\n', start);
            out += "  " + text.substr(start, end - start) + "\n";
            if (end == std::string::npos) break;
            start = end + 1;
        }
        return out;
    }

    void writeFile(const std::string& owner, const std::string& location, const std::string& content) {
        const auto path = world_.entityPath(owner, location);
        fs::create_directories(path.parent_path());
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        file << content;
        file.close();
        if (!file) throw std::runtime_error("cannot write " + path.string());
        out_ << "  " << std::left << std::setw(9) << DemoWorld::label(owner) << std::setw(32) << location
             << std::right << path.string() << "\n";
    }

    void admit(const std::string& relay_account, const std::string& group, const std::string& terminal_account,
               const std::string& figure) {
        const auto& profile = world_.profile(terminal_account);
        step(figure, [&] {
            relay(relay_account).withRelay([&](core::RelayEngine& r) {
                r.addTerminal(group, terminal_account, profile.display_name, profile.department);
            });
            return DemoWorld::label(relay_account) + " addTerminal(" + DemoWorld::label(terminal_account) + ", " +
                   group + ")";
        });
    }

    void addResources(const std::string& share_id, const std::vector<Resource>& resources) {
        for (const auto& resource : resources)
            step("seq 32", [&] {
                terminal(resource.owner).withTerminal([&](core::TerminalEngine& t) {
                    t.addResource(share_id, resource.name, resource.location);
                });
                return DemoWorld::label(resource.owner) + " addResource(" + resource.name + " = " + resource.location +
                       ")";
            });
    }

    void printState(const std::string& title, const std::vector<std::string>& accounts) {
        out_ << "\n==================== " << title << " ====================\n";
        for (const auto& account : accounts) {
            const auto status = core::readNodeStatus(world_.node(account));
            const auto& profile = world_.profile(account);
            out_ << "\n--- " << DemoWorld::label(account) << "  " << account << "  (" << profile.display_name
                 << ", " << core::toString(profile.role) << ")\n"
                 << core::renderGroupTable(status) << core::renderShareTable(status);
        }
    }

    // The nodes that must hold a share: its members and their relays.
    std::vector<std::string> holdersOf(const core::Share& share) {
        std::set<std::string> holders;
        for (const auto& member : share.members) {
            holders.insert(member);
            holders.insert(world_.profile(member).relay);
        }
        return {holders.begin(), holders.end()};
    }

    static const core::ResourceEntry* find(const std::vector<core::ResourceEntry>& entries, const std::string& name) {
        for (const auto& entry : entries)
            if (entry.name == name) return &entry;
        return nullptr;
    }

    static std::string expectGone(const std::vector<core::ResourceEntry>& entries, const std::string& name,
                                  core::GoneEntityMode mode) {
        const auto* entry = find(entries, name);
        if (mode == core::GoneEntityMode::remove)
            return entry ? name + " is still listed though its entity is gone" : std::string{};
        if (!entry) return name + " is no longer listed; with gone_entity: mark it should be";
        if (entry->status != core::kStatusFileNotFound)
            return name + " has status '" + entry->status + "', expected '" + core::kStatusFileNotFound + "'";
        return {};
    }

    template <class Expectation>
    void verifyShare(const std::string& share_id, const std::string& name, Expectation&& expectation) {
        const auto share =
            world_.node(creatorOf(share_id)).withEngine([&](core::EngineBase& e) { return e.shares().find(share_id); });
        if (!share) throw std::runtime_error("share " + name + " is not known at its creator");
        const auto holders = holdersOf(*share);
        std::vector<core::ResourceEntry> reference;
        std::string reference_holder;
        std::vector<std::string> problems;
        for (const auto& holder : holders) {
            const auto entries = world_.node(holder).withEngine([&](core::EngineBase& e) {
                return e.shares().find(share_id) ? std::optional(e.shares().entries(share_id)) : std::nullopt;
            });
            if (!entries) {
                problems.push_back(DemoWorld::label(holder) + " does not hold " + name);
                continue;
            }
            if (reference_holder.empty()) {
                reference = *entries;
                reference_holder = holder;
            } else if (*entries != reference) {
                problems.push_back(DemoWorld::label(holder) + "'s entries of " + name + " differ from " +
                                   DemoWorld::label(reference_holder) + "'s");
            }
            if (const auto problem = expectation(*entries); !problem.empty())
                problems.push_back("at " + DemoWorld::label(holder) + ": " + problem);
        }
        if (!problems.empty()) {
            std::string text = "the shared resource information did not converge (an engine bug?):";
            for (const auto& problem : problems) text += (&problem == &problems.front() ? " " : "; ") + problem;
            throw std::runtime_error(text);
        }
        out_ << "  " << name << ": the same " << reference.size() << (reference.size() == 1 ? " entry" : " entries") << " at";
        for (const auto& holder : holders) out_ << " " << DemoWorld::label(holder);
        out_ << "\n";
    }

    std::string creatorOf(const std::string& share_id) const { return share_id == projects_ ? C31 : C11; }

    void printJson() {
        Poco::JSON::Object::Ptr document = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        Poco::JSON::Array::Ptr nodes = new Poco::JSON::Array;
        for (const auto& account : world_.accounts())
            nodes->add(core::statusToJson(core::readNodeStatus(world_.node(account))));
        document->set("nodes", nodes);
        out_ << "\n" << core::toJsonText(document) << "\n";
    }

    DemoWorld& world_;
    std::ostream& out_;
    const ScenarioOptions options_;
    std::string group1_, group2_;
    std::string workspace1_, projects_;
    std::uintmax_t budget_size_ = 0;
};

}  // namespace

void runFourSiteScenario(DemoWorld& world, std::ostream& out, const ScenarioOptions& options) {
    Scenario(world, out, options).run();
}

}  // namespace relaysync::demo
