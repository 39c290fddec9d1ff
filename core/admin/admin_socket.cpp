#include "admin/admin_socket.h"

#include "profile/profile_error.h"
#include "profile/profile_loader.h"

namespace relaysync::core {

namespace {

std::string socketPath(const std::string& admin_socket, const std::string& database, const std::string& source) {
    if (!admin_socket.empty()) return admin_socket;
    const std::string sqlite = "sqlite:";
    if (database.rfind(sqlite, 0) == 0) return database.substr(sqlite.size()) + ".sock";
    throw ProfileError(SourcePosition{source, 0, 0}, "admin.socket", "required when the database is not a SQLite file");
}

}  // namespace

std::string adminSocketPath(const Profile& profile) {
    return socketPath(profile.admin.socket, profile.database, profile.source);
}

std::string adminSocketPathOf(const std::string& profile_path) {
    const auto fields = loadAdminSocketFields(profile_path);
    return socketPath(fields.admin_socket, fields.database, profile_path);
}

}  // namespace relaysync::core
