#pragma once

#include <string>

#include "profile/profile.h"

namespace relaysync::core {

// Where a node's admin socket is: the profile's admin.socket, or next to its SQLite file
// ("<file>.sock"). Throws ProfileError when neither can be had (a PostgreSQL node must say).
std::string adminSocketPath(const Profile& profile);

}  // namespace relaysync::core
