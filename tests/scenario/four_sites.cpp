#include "four_sites.h"

#include <random>
#include <sstream>
#include <stdexcept>

#include "checker/timestamp_size_checker.h"

namespace relaysync::test {

namespace {
const std::map<std::string, std::string> kSites = {
    {"1", "Tokyo"}, {"2", "Osaka"}, {"3", "Nagoya"}, {"4", "Fukuoka"}};

std::string siteOf(const std::string& name) { return name[0] == 'R' ? name.substr(1, 1) : name.substr(6, 1); }
bool hasFileServer(const std::string& site) { return site == "1" || site == "3"; }
}  // namespace

const std::vector<std::string>& FourSites::relayNames() {
    static const std::vector<std::string> names{"R1", "R2", "R3", "R4"};
    return names;
}

const std::vector<std::string>& FourSites::terminalNames() {
    static const std::vector<std::string> names{"client11", "client12", "client21", "client22",
                                                "client31", "client32", "client41", "client42"};
    return names;
}

std::vector<std::string> FourSites::allNames() {
    auto names = relayNames();
    names.insert(names.end(), terminalNames().begin(), terminalNames().end());
    return names;
}

std::string FourSites::account(const std::string& name) {
    if (name[0] == 'R') return "relay-server" + siteOf(name) + "@net";
    return name + "@relay-server" + siteOf(name) + ".net";
}

std::string FourSites::shortName(const std::string& account) {
    for (const auto& name : allNames())
        if (FourSites::account(name) == account) return name;
    return account;
}

sdk::PeerIdentity FourSites::identity(const std::string& name) {
    if (name[0] == 'R') return {account(name), sdk::PeerRole::relay, {}};
    return {account(name), sdk::PeerRole::terminal, account("R" + siteOf(name))};
}

FourSites::FourSites(SiteOptions options) : options_(options) {
    std::random_device random;
    directory_ = std::filesystem::temp_directory_path() / ("relaysync-four-sites-" + std::to_string(random()));
    std::filesystem::create_directories(directory_);
    file_servers_["1"] = std::make_shared<MemoryStore>("fileserver-tokyo");
    file_servers_["3"] = std::make_shared<MemoryStore>("fileserver-nagoya");
    for (const auto& name : terminalNames()) disks_[name] = std::make_shared<MemoryStore>(name + "-c");
    for (const auto& name : allNames()) build(name);
}

FourSites::~FourSites() {
    nodes_.clear();
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
}

void FourSites::build(const std::string& name) {
    core::Node::Parts parts;
    parts.database = std::make_unique<core::Database>("sqlite:" + (directory_ / (name + ".db")).string());
    parts.transport = network_.transportFor(identity(name));
    std::unique_ptr<core::Node> node;
    if (name[0] == 'R') {
        // The example's operators let the other three relays invite theirs, and list their terminals.
        core::RelayPolicy policy;
        for (const auto& relay : relayNames())
            if (relay != name) policy.accept_invitations_from.push_back(account(relay));
        for (const auto& terminal : terminalNames())
            if (siteOf(terminal) == siteOf(name)) policy.terminals.push_back(account(terminal));
        node = core::Node::relay(std::move(parts), account(name), kSites.at(siteOf(name)), policy);
    } else {
        parts.stores = std::make_unique<core::StoreRouter>();
        parts.stores->add("c:", disks_.at(name));
        if (hasFileServer(siteOf(name))) parts.stores->add("network/z:", file_servers_.at(siteOf(name)));
        parts.checker = std::make_shared<core::TimestampSizeChecker>();
        core::CheckPolicy policy{options_.gone_entity, options_.max_removals};
        // Share ids are the creation time plus the creator; pinned so that runs compare.
        node = core::Node::terminal(std::move(parts), account(name), account("R" + siteOf(name)), policy,
                                    [] { return std::string("20071001150032"); });
    }
    node->start();
    nodes_[name] = std::move(node);
}

core::Node& FourSites::node(const std::string& name) {
    auto found = nodes_.find(name);
    if (found == nodes_.end()) throw std::invalid_argument("no node " + name);
    return *found->second;
}

MemoryStore& FourSites::disk(const std::string& terminal) { return *disks_.at(terminal); }

MemoryStore& FourSites::fileServer(const std::string& terminal) { return *file_servers_.at(siteOf(terminal)); }

void FourSites::settle() {
    if (network_.run(200'000) == 200'000) throw std::runtime_error("the network did not settle");
}

void FourSites::restart(const std::string& name) {
    nodes_.erase(name);
    build(name);
}

void FourSites::recreate(const std::string& name) {
    nodes_.erase(name);
    for (const std::string suffix : {".db", ".db-wal", ".db-shm"}) std::filesystem::remove(directory_ / (name + suffix));
    build(name);
}

std::string FourSites::dump(const std::string& name) {
    return node(name).withEngine([&](core::EngineBase& engine) {
        std::ostringstream out;
        for (const auto& id : engine.groups().groupIds()) {
            const auto group = *engine.groups().find(id);
            out << "group " << id << "\n";
            for (const auto& relay : group.relays)
                out << "  relay " << relay.account << " '" << relay.display_name << "' v" << relay.version << "\n";
            for (const auto& relay : group.removed_relays)
                out << "  removed relay " << relay.account << " v" << relay.version << "\n";
            for (const auto& t : group.terminals)
                out << "  terminal " << t.account << " at " << t.relay << " '" << t.display_name << "' "
                    << t.department << " v" << t.version << "\n";
        }
        for (const auto& share : engine.shares().shares()) {
            out << "share " << share.id << " '" << share.name << "' of " << share.group_id << " by " << share.creator
                << " v" << share.version << "\n  members";
            for (const auto& member : share.members) out << " " << member;
            out << "\n";
            for (const auto& e : engine.shares().entries(share.id))
                out << "  entry " << e.name << " owner " << e.owner << " at " << e.location << " [" << e.status << "] "
                    << sdk::toString(e.details.kind) << " " << e.details.size << "B t" << e.details.modified_ms << " v"
                    << e.version << "\n";
        }
        // Deleted shares are kept as tombstones: part of what must converge.
        for (const auto& id : engine.groups().groupIds())
            for (const auto& share_id : engine.shares().shareIdsOfGroup(id))
                if (const auto record = engine.shares().record(share_id); record && record->removed)
                    out << "deleted share " << share_id << " '" << record->name << "' v" << record->version << "\n";
        return out.str();
    });
}

}  // namespace relaysync::test
