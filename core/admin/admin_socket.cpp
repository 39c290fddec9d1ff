#include "admin/admin_socket.h"

#include "profile/profile_error.h"

namespace relaysync::core {

std::string adminSocketPath(const Profile& profile) {
    if (!profile.admin.socket.empty()) return profile.admin.socket;
    const std::string sqlite = "sqlite:";
    if (profile.database.rfind(sqlite, 0) == 0) return profile.database.substr(sqlite.size()) + ".sock";
    throw ProfileError(SourcePosition{profile.source, 0, 0}, "admin.socket",
                       "required when the database is not a SQLite file");
}

}  // namespace relaysync::core
