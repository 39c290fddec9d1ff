#include "cluster/profile_writer.h"

#include <cctype>
#include <fstream>
#include <sstream>


#include "cluster/cluster_error.h"

namespace relaysync::cluster {

namespace {

// A YAML double-quoted scalar.
std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out + "\"";
}

std::string orDefault(const std::string& value, const std::string& fallback) { return value.empty() ? fallback : value; }

struct Site {
    const char* city;
    bool file_server;
};
constexpr std::array<Site, 4> kSites{{{"Tokyo", true}, {"Osaka", false}, {"Nagoya", true}, {"Fukuoka", false}}};
constexpr std::array<std::array<const char*, 2>, 4> kDepartments{
    {{"Sales", "Engineering"}, {"Sales", "Accounting"}, {"Engineering", "Sales"}, {"Sales", "Engineering"}}};

std::string certificateOf(const ProfileSpec& spec) {
    return orDefault(spec.certificate, "${RELAYSYNC_CERTS}/" + spec.account + ".pem");
}
std::string privateKeyOf(const ProfileSpec& spec) {
    return orDefault(spec.private_key, "${RELAYSYNC_CERTS}/" + spec.account + ".key");
}
std::string caOf(const ProfileSpec& spec) { return orDefault(spec.ca, "${RELAYSYNC_CERTS}/ca.pem"); }

void writeDirectTransport(std::ostream& yaml, const ProfileSpec& spec) {
    yaml << "  plugin: direct\n"
         << "  config:\n";
    if (!spec.listen.empty()) yaml << "    listen: " << quoted(spec.listen) << "\n";
    std::string peers;
    for (const auto& [account, address] : spec.peers) peers += (peers.empty() ? "" : ",") + account + "=" + address;
    if (!peers.empty()) yaml << "    peers: " << quoted(peers) << "\n";
    yaml << "    certificate: " << quoted(certificateOf(spec)) << "\n"
         << "    private_key: " << quoted(privateKeyOf(spec)) << "\n"
         << "    ca: " << quoted(caOf(spec)) << "\n";
}

// TLS to the server always: the relays' SIP server, or a terminal's relay.
void writeSipTransport(std::ostream& yaml, const ProfileSpec& spec) {
    std::string relays;
    for (const auto& account : spec.relay_accounts) relays += (relays.empty() ? "" : ",") + account;
    yaml << "  plugin: sip\n"
         << "  config:\n"
         << "    server: " << quoted(spec.sip_server) << "\n"
         << "    transport: tls\n"
         << "    ca: " << quoted(caOf(spec)) << "\n"
         << "    password: " << quoted(spec.sip_password) << "\n"
         << "    relay_accounts: " << quoted(relays) << "\n";
    if (spec.lan_listen.empty()) return;
    yaml << "    lan_listen: " << quoted(spec.lan_listen) << "\n"
         << "    lan_transport: tls\n"
         << "    lan_certificate: " << quoted(certificateOf(spec)) << "\n"
         << "    lan_private_key: " << quoted(privateKeyOf(spec)) << "\n"
         << "    terminal_accounts_file: " << quoted(spec.terminal_accounts_file) << "\n";
}

}  // namespace

std::string profileYaml(const ProfileSpec& spec) {
    const bool relay = spec.role == core::NodeRole::relay;
    std::ostringstream yaml;
    yaml << "# " << spec.name << ": written by relaysync_cluster (core/apps/cluster/profile_writer.h)\n"
         << "relaysync: 1\n"
         << "node:\n"
         << "  role: " << (relay ? "relay" : "terminal") << "\n"
         << "  account: " << quoted(spec.account) << "\n"
         << "  display_name: " << quoted(orDefault(spec.display_name, spec.account)) << "\n";
    if (!relay) {
        if (!spec.department.empty()) yaml << "  department: " << quoted(spec.department) << "\n";
        yaml << "  relay: " << quoted(spec.relay) << "\n";
    }
    yaml << "database: " << quoted("sqlite:${RELAYSYNC_DATA}/" + spec.name + ".db") << "\n"
         << "transport:\n";
    if (spec.transport == TransportChoice::sip) writeSipTransport(yaml, spec);
    else writeDirectTransport(yaml, spec);
    for (const auto& [key, value] : spec.transport_settings) yaml << "    " << key << ": " << quoted(value) << "\n";
    if (!relay) {
        if (spec.stores.empty()) yaml << "stores: []\n";
        else yaml << "stores:\n";
        for (const auto& store : spec.stores) {
            yaml << "  - prefix: " << quoted(store.prefix) << "\n"
                 << "    plugin: " << store.plugin << "\n"
                 << "    config:" << (store.config.empty() ? " {}" : "") << "\n";
            for (const auto& [key, value] : store.config) yaml << "      " << key << ": " << quoted(value) << "\n";
        }
        yaml << "checker:\n  plugin: timestamp-size\n";
    }
    const auto list = [](const std::vector<std::string>& items) {
        std::string text;
        for (const auto& item : items) text += (text.empty() ? "" : ", ") + quoted(item);
        return "[" + text + "]";
    };
    if (relay && !(spec.accept_invitations_from.empty() && spec.terminals.empty()))
        yaml << "groups:\n"
             << "  accept_invitations_from: " << list(spec.accept_invitations_from) << "\n"
             << "  terminals: " << list(spec.terminals) << "\n";
    yaml << "sync:\n"
         << "  gone_entity: " << spec.gone_entity << "\n"
         << "  max_removals_per_check: " << spec.max_removals_per_check << "\n"
         << "log:\n"
         << "  level: " << spec.log_level << "\n"
         << "  file: " << quoted("${RELAYSYNC_DATA}/" + spec.name + ".log") << "\n";
    return yaml.str();
}

std::filesystem::path writeProfile(const std::filesystem::path& dir, const ProfileSpec& spec) {
    std::filesystem::create_directories(dir);
    const auto path = dir / (spec.name + ".yaml");
    std::ofstream out(path, std::ios::trunc);
    out.close();
    std::error_code error;
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, error);
    out.open(path, std::ios::trunc);
    out << profileYaml(spec);
    out.close();
    if (!out || error) throw ClusterError("cannot write " + path.string());
    return path;
}

std::vector<ProfileSpec> fourSiteProfiles(const std::array<std::uint16_t, 4>& relay_ports, const std::string& gone_entity) {
    auto relayAccount = [](std::size_t site) { return "relay-server" + std::to_string(site + 1) + "@net"; };
    auto address = [&](std::size_t site) { return "127.0.0.1:" + std::to_string(relay_ports[site]); };
    auto terminalAccount = [](std::size_t site, std::size_t index) {
        return "client" + std::to_string(site + 1) + std::to_string(index + 1) + "@relay-server" +
               std::to_string(site + 1) + ".net";
    };
    std::vector<ProfileSpec> specs;
    for (std::size_t site = 0; site < kSites.size(); ++site) {
        ProfileSpec relay;
        relay.role = core::NodeRole::relay;
        relay.name = "relay" + std::to_string(site + 1);
        relay.account = relayAccount(site);
        relay.display_name = kSites[site].city;
        relay.listen = address(site);
        for (std::size_t other = 0; other < kSites.size(); ++other)
            if (other != site) {
                relay.peers.emplace_back(relayAccount(other), address(other));
                relay.accept_invitations_from.push_back(relayAccount(other));
            }
        for (std::size_t index = 0; index < 2; ++index)
            relay.terminals.push_back(terminalAccount(site, index));
        relay.gone_entity = gone_entity;
        specs.push_back(relay);
    }
    for (std::size_t site = 0; site < kSites.size(); ++site)
        for (std::size_t index = 0; index < 2; ++index) {
            const auto number = std::to_string(site + 1) + std::to_string(index + 1);
            ProfileSpec terminal;
            terminal.role = core::NodeRole::terminal;
            terminal.name = "client" + number;
            terminal.account = terminalAccount(site, index);
            terminal.display_name = std::string(kSites[site].city) + " PC " + number;
            terminal.department = kDepartments[site][index];
            terminal.relay = relayAccount(site);
            terminal.peers.emplace_back(relayAccount(site), address(site));
            terminal.stores.push_back(StoreSpec::local("c:", "${RELAYSYNC_DATA}/" + terminal.name + "/c"));
            if (kSites[site].file_server) {
                std::string city = kSites[site].city;
                for (auto& c : city) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                terminal.stores.push_back(StoreSpec::local("network/z:", "${RELAYSYNC_DATA}/fileserver-" + city + "/z"));
            }
            terminal.gone_entity = gone_entity;
            specs.push_back(terminal);
        }
    return specs;
}

}  // namespace relaysync::cluster
