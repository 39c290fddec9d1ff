#pragma once
// The SMB store's settings: the key table core validates profiles against, and the parsed,
// checked form the store runs on.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "relaysync/sdk/plugin_config.h"

namespace relaysync::storage_smb {

inline constexpr sdk::ConfigKey kConfigKeys[] = {
    {"server", nullptr, "IP address (or host name) of the SMB file server"},
    {"port", "445", "TCP port of the file server"},
    {"share", nullptr, "the share, e.g. finance"},
    {"folder", "", "the folder inside the share that is the store's root, e.g. folderZ or a/b; empty: the whole share"},
    {"user", "", "the account on the file server; empty: the credentials file's username line"},
    {"domain", "", "the account's workgroup or domain; empty: the credentials file's domain line, else none"},
    {"password", "", "the account's password (prefer credentials_file: a profile is read by more people than a secret should be)"},
    {"credentials_file", "", "file with 'username = ...', 'password = ...' (and 'domain = ...') lines, smbclient's --authentication-file format; mode 600"},
    {"encryption", "if_offered", "if_offered (SMB3 encryption when the server offers it), required, or off"},
    {"timeout_ms", "5000", "longest wait for the server within one call, 1000 to 600000"},
};

struct SmbConfig {
    std::string server;
    std::uint16_t port = 445;
    std::string share;
    std::vector<std::string> folder;  // components below the share
    std::string user;
    std::string domain;
    std::string password;  // never logged, never in a message
    enum class Encryption { if_offered, required, off } encryption = Encryption::if_offered;
    std::chrono::milliseconds timeout{};
};

// Reads `config` (defaults from the table). Throws std::invalid_argument whose message starts
// with the offending key; never with the password.
SmbConfig parseConfig(const sdk::PluginConfig& config);

}  // namespace relaysync::storage_smb
