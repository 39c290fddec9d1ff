#pragma once
// What an owner lets members do with what it shares, from its profile's `remote_access`
// section (docs/profile.md): per entry, else per share, else the default.

#include <map>
#include <optional>
#include <string>

namespace relaysync::core {

enum class RemoteAccessLevel {
    info,    // information only: the entry is listed, nothing is read for anyone
    browse,  // members may list a shared folder's items, not read content
    read,    // members may list and fetch
};

const char* toString(RemoteAccessLevel level) noexcept;
std::optional<RemoteAccessLevel> remoteAccessLevelFrom(const std::string& text) noexcept;

struct RemoteAccessPolicy {
    RemoteAccessLevel default_level = RemoteAccessLevel::read;
    // By share name or id.
    std::map<std::string, RemoteAccessLevel> shares;
    // By "SHARE/ENTRY", SHARE a name or id.
    std::map<std::string, RemoteAccessLevel> entries;

    // The level for one entry of a share (its id and its name).
    RemoteAccessLevel levelFor(const std::string& share_id, const std::string& share_name,
                               const std::string& entry) const;
};

}  // namespace relaysync::core
