#include "admin/socket_group.h"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace relaysync::core {
namespace {

gid_t groupId(const std::string& group) {
    std::vector<char> buffer(16 * 1024);
    struct group entry {};
    struct group* found = nullptr;
    int error = 0;
    while ((error = ::getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found)) == ERANGE &&
           buffer.size() < 1024 * 1024)
        buffer.resize(buffer.size() * 2);
    if (error != 0) throw std::runtime_error("admin.group '" + group + "': " + std::strerror(error));
    if (!found) throw std::runtime_error("admin.group '" + group + "': no such group");
    return found->gr_gid;
}

}  // namespace

void grantSocketToGroup(const std::string& path, const std::string& group) {
    const gid_t gid = groupId(group);
    // The file was made owner-only (admin_server.cpp); it is opened to the group only now.
    if (::chown(path.c_str(), static_cast<uid_t>(-1), gid) != 0)
        throw std::runtime_error("admin.group '" + group + "': cannot give " + path + " to it (" +
                                 std::strerror(errno) + "; is the daemon's user a member?)");
    if (::chmod(path.c_str(), 0660) != 0)
        throw std::runtime_error("admin.group '" + group + "': chmod " + path + ": " + std::strerror(errno));
}

}  // namespace relaysync::core
