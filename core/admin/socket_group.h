#pragma once
// Letting an admin group use a daemon's admin socket (profile key admin.group).

#include <string>

namespace relaysync::core {

// Gives the socket file at `path` to `group` with mode 0660. Throws std::runtime_error naming
// the group and why: an unknown group, or one the daemon's user is not a member of.
void grantSocketToGroup(const std::string& path, const std::string& group);

}  // namespace relaysync::core
