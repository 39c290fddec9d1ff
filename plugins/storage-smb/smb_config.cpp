#include "smb_config.h"

#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

#include "config_reader.h"
#include "config_text.h"
#include "store_path.h"

namespace relaysync::storage_smb {

namespace {

using plugin_common::failKey;
using plugin_common::trim;

// A name that goes into an smb:// URL as one piece: no separators of either kind. (An IPv6
// server address comes in brackets, [::1].)
void checkName(const char* key, const std::string& value) {
    if (value.empty()) failKey(key, "must not be empty");
    const bool bracketed = value.front() == '[' && value.back() == ']';
    if (value.find_first_of(bracketed ? std::string("/\\@", 3) + '\0' : std::string("/\\@:", 4) + '\0') != std::string::npos)
        failKey(key, "'" + value + "' has a '/', '\\', '@', ':' or NUL");
}

// smbclient's authentication file: "name = value" lines.
void readCredentialsFile(const std::string& path, SmbConfig& parsed) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) failKey("credentials_file", "cannot read " + path);
    if (info.st_mode & (S_IRWXG | S_IRWXO)) failKey("credentials_file", path + " is readable or writable by other users (chmod 600 it)");
    std::ifstream in(path);
    if (!in) failKey("credentials_file", "cannot read " + path);
    std::string line;
    bool has_password = false;
    while (std::getline(in, line)) {
        const auto equals = line.find('=');
        if (equals == std::string::npos) continue;
        const std::string name = trim(line.substr(0, equals));
        const std::string value = trim(line.substr(equals + 1));
        if (name == "password") {
            parsed.password = value;
            has_password = true;
        } else if (name == "username" && parsed.user.empty()) {
            parsed.user = value;
        } else if (name == "domain" && parsed.domain.empty()) {
            parsed.domain = value;
        }
    }
    if (!has_password) failKey("credentials_file", path + " has no 'password = ...' line");
}

}  // namespace

SmbConfig parseConfig(const sdk::PluginConfig& config) {
    const plugin_common::ConfigReader read(config, kConfigKeys, "the smb store");
    SmbConfig parsed;
    parsed.server = read.trimmed("server");
    checkName("server", parsed.server);
    parsed.port = static_cast<std::uint16_t>(read.number("port", 1, 65535));
    parsed.share = read.trimmed("share");
    checkName("share", parsed.share);
    const std::string folder = read.trimmed("folder");
    if (const auto split = plugin_common::splitStorePath(folder, parsed.folder); !split.isOk())
        failKey("folder", split.message());
    for (const auto& component : parsed.folder)
        if (component.find('\\') != std::string::npos) failKey("folder", "'" + folder + "' has a '\\'");
    parsed.user = read.trimmed("user");
    parsed.domain = read.trimmed("domain");
    const std::string password = read.text("password");
    const std::string credentials_file = read.trimmed("credentials_file");
    if (password.empty() == credentials_file.empty())
        failKey(credentials_file.empty() ? "password" : "credentials_file", "give exactly one of password and credentials_file");
    if (!credentials_file.empty()) readCredentialsFile(credentials_file, parsed);
    else parsed.password = password;
    if (parsed.user.empty()) failKey("user", "required (or a 'username = ...' line in credentials_file)");
    const std::string encryption = read.trimmed("encryption");
    if (encryption == "if_offered") parsed.encryption = SmbConfig::Encryption::if_offered;
    else if (encryption == "required") parsed.encryption = SmbConfig::Encryption::required;
    else if (encryption == "off") parsed.encryption = SmbConfig::Encryption::off;
    else failKey("encryption", "'" + encryption + "' is not if_offered, required or off");
    parsed.timeout = std::chrono::milliseconds(read.number("timeout_ms", 1000, 600000));
    return parsed;
}

}  // namespace relaysync::storage_smb
