#pragma once

#include <string>

#include "profile/profile.h"

namespace relaysync::core {

// Where a node's admin socket is: the profile's admin.socket, or next to its SQLite file
// ("<file>.sock"). Throws ProfileError when neither can be had (a PostgreSQL node must say).
std::string adminSocketPath(const Profile& profile);
// The same from the profile file, reading only admin.socket and database (loadAdminSocketFields):
// what relaysync-admin uses, so it needs none of the daemon's other variables or files.
std::string adminSocketPathOf(const std::string& profile_path);

}  // namespace relaysync::core
