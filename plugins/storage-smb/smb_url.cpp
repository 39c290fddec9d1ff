#include "smb_url.h"

#include <string_view>

namespace relaysync::storage_smb {

std::string percentEncode(const std::string& name) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string encoded;
    encoded.reserve(name.size());
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        const bool unreserved = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                                u == '-' || u == '.' || u == '_' || u == '~';
        if (unreserved) {
            encoded.push_back(c);
        } else {
            encoded.push_back('%');
            encoded.push_back(kHex[u >> 4]);
            encoded.push_back(kHex[u & 0xf]);
        }
    }
    return encoded;
}

namespace {

constexpr std::string_view kIllegal = "\"*:<>?|";

// U+F020 + i as UTF-8: EF 80 A0+i.
std::string standIn(std::size_t i) { return std::string{'\xEF', '\x80', static_cast<char>(0xA0 + i)}; }

}  // namespace

std::string toServerName(const std::string& name) {
    std::string mapped;
    mapped.reserve(name.size());
    for (const char c : name) {
        const auto at = kIllegal.find(c);
        mapped += at == std::string_view::npos ? std::string(1, c) : standIn(at);
    }
    return mapped;
}

std::string fromServerName(const std::string& name) {
    std::string mapped;
    mapped.reserve(name.size());
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto b = static_cast<unsigned char>(name[i]);
        if (b == 0xEF && i + 2 < name.size() && static_cast<unsigned char>(name[i + 1]) == 0x80) {
            const auto third = static_cast<unsigned char>(name[i + 2]);
            if (third >= 0xA0 && third < 0xA0 + kIllegal.size()) {
                mapped.push_back(kIllegal[third - 0xA0]);
                i += 2;
                continue;
            }
        }
        mapped.push_back(name[i]);
    }
    return mapped;
}

std::string smbUrl(const SmbConfig& config, const std::vector<std::string>& components) {
    std::string url = "smb://" + config.server + ":" + std::to_string(config.port) + "/" + percentEncode(config.share);
    for (const auto& part : config.folder) url += "/" + percentEncode(part);
    for (const auto& part : components) url += "/" + percentEncode(toServerName(part));
    return url;
}

}  // namespace relaysync::storage_smb
