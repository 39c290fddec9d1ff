#pragma once
// Site profiles written from a few values, for clusters that must not use the fixed ports of
// config/four-site (tests on a shared machine) or need a node set up differently (a foreign
// certificate, a wrong peer). The YAML is the format of docs/profile.md.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "profile/profile.h"

namespace relaysync::cluster {

// How a node talks: `direct` (TLS peer to peer, docs/transport-direct.md) or `sip` (relays
// through a SIP server, terminals registered at their relay; docs/transport-sip.md).
enum class TransportChoice { direct, sip };

// One resource store of a terminal: a prefix served by a plugin with its settings.
struct StoreSpec {
    std::string prefix;
    std::string plugin = "local";
    std::vector<std::pair<std::string, std::string>> config;  // key, value, in this order

    // A `local` store on `root`.
    static StoreSpec local(std::string prefix, std::string root) {
        return {std::move(prefix), "local", {{"root", std::move(root)}}};
    }
};

struct ProfileSpec {
    core::NodeRole role = core::NodeRole::relay;
    TransportChoice transport = TransportChoice::direct;
    std::string name;  // file name without .yaml; also names its database, log and store folders
    std::string account, display_name;
    std::string department;  // terminals
    std::string relay;       // terminals: their relay's account
    std::string listen;      // "127.0.0.1:7101"; empty: does not listen
    std::vector<std::pair<std::string, std::string>> peers;  // account, "host:port"
    // Empty: ${RELAYSYNC_CERTS}/<account>.pem and .key, and ${RELAYSYNC_CERTS}/ca.pem.
    std::string certificate, private_key, ca;
    // sip, always over TLS checked against `ca`: `server` (a relay's: the SIP server; a
    // terminal's: its relay's lan_listen), the digest password, the accounts taken as relays.
    std::string sip_server, sip_password;
    std::vector<std::string> relay_accounts;
    // sip relays: where they are the SIP registrar of their terminals (TLS with `certificate`
    // and `private_key`) and the file of those terminals' accounts and passwords. Empty: none.
    std::string lan_listen, terminal_accounts_file;
    std::vector<std::pair<std::string, std::string>> transport_settings;  // more keys of the plugin
    std::vector<StoreSpec> stores;
    // Relays: `groups.accept_invitations_from` and `groups.terminals`.
    std::vector<std::string> accept_invitations_from, terminals;
    std::string gone_entity = "mark";
    int max_removals_per_check = 100;
    std::string log_level = "information";  // the log goes to ${RELAYSYNC_DATA}/<name>.log
};

std::string profileYaml(const ProfileSpec& spec);
// Writes <dir>/<name>.yaml (mode 600: a sip profile holds a password) and returns its path;
// throws ClusterError when it cannot.
std::filesystem::path writeProfile(const std::filesystem::path& dir, const ProfileSpec& spec);

// The four sites of docs/demo.md as in config/four-site (same names, accounts, display names,
// departments, stores), with the relays on 127.0.0.1 at `relay_ports` (R1..R4).
std::vector<ProfileSpec> fourSiteProfiles(const std::array<std::uint16_t, 4>& relay_ports,
                                          const std::string& gone_entity = "mark");

}  // namespace relaysync::cluster
