#include "remote/remote_policy.h"

namespace relaysync::core {

const char* toString(RemoteAccessLevel level) noexcept {
    switch (level) {
    case RemoteAccessLevel::info: return "info";
    case RemoteAccessLevel::browse: return "browse";
    case RemoteAccessLevel::read: return "read";
    }
    return "info";
}

std::optional<RemoteAccessLevel> remoteAccessLevelFrom(const std::string& text) noexcept {
    if (text == "info") return RemoteAccessLevel::info;
    if (text == "browse") return RemoteAccessLevel::browse;
    if (text == "read") return RemoteAccessLevel::read;
    return std::nullopt;
}

RemoteAccessLevel RemoteAccessPolicy::levelFor(const std::string& share_id, const std::string& share_name,
                                               const std::string& entry) const {
    // The most specific rule wins: an entry's, then the share's; an id before a name.
    for (const auto* share : {&share_id, &share_name})
        if (const auto found = entries.find(*share + "/" + entry); found != entries.end()) return found->second;
    for (const auto* share : {&share_id, &share_name})
        if (const auto found = shares.find(*share); found != shares.end()) return found->second;
    return default_level;
}

}  // namespace relaysync::core
