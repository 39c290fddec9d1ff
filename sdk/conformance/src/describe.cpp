#include "describe.h"

#include <algorithm>
#include <cstdio>

namespace relaysync::sdk::conformance {

std::string quotedPath(const std::string& path) {
    if (path.empty()) return "'' (the root)";
    std::string text = "'";
    for (const char c : path) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == 0) {
            text += "\\0";
        } else if (byte < 0x20 || byte == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", byte);
            text += hex;
        } else {
            text += c;
        }
    }
    return text + "'";
}

std::string describeDetails(const EntityDetails& details) {
    return std::string(toString(details.kind)) + ", " + std::to_string(details.size) + " bytes, modified_ms " +
           std::to_string(details.modified_ms);
}

std::string describeIdentity(const EntityIdentity& identity) {
    if (identity == EntityIdentity{}) return "unknown (all fields empty)";
    return "device " + std::to_string(identity.device) + ", file_id " + std::to_string(identity.file_id) +
           ", changed_ns " + std::to_string(identity.changed_ns) + ", change_token '" + identity.change_token + "'";
}

std::string describeListing(const FolderListing& items) {
    std::vector<std::string> shown;
    for (const auto& item : items) shown.push_back(quotedPath(item.name) + " (" + toString(item.details.kind) + ")");
    std::sort(shown.begin(), shown.end());
    std::string text = "[";
    for (const auto& s : shown) text += (text.size() > 1 ? ", " : "") + s;
    return text + "]";
}

std::string childPath(const std::string& folder, const std::string& name) {
    return folder.empty() ? name : folder + "/" + name;
}

}  // namespace relaysync::sdk::conformance
