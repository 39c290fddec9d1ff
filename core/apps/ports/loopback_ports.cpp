#include "loopback_ports.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

namespace relaysync::ports {

namespace {

constexpr std::uint16_t kFirst = 10000;
constexpr const char* kLockFolder = "/tmp/relaysync-ports";

std::uint16_t firstEphemeralPort() {
    std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
    unsigned low = 0;
    if (range >> low && low > kFirst + 1000u && low <= 65535) return static_cast<std::uint16_t>(low);
    return 32768;  // Linux's default
}

bool bindable(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return bound;
}

// The lock folder is shared by every user's processes: world-writable and sticky, like /tmp.
bool lockFolderReady() {
    if (::mkdir(kLockFolder, 01777) == 0) ::chmod(kLockFolder, 01777);  // past the umask
    struct stat info {};
    return ::stat(kLockFolder, &info) == 0 && S_ISDIR(info.st_mode);
}

// Takes `port`'s lock for the rest of this process's life (its descriptor stays open); false when
// another process holds it. Without a usable lock folder or lock file (another user's), the
// probe bind alone decides, as it did before the locks.
bool lockPort(std::uint16_t port, bool folder_ready) {
    if (!folder_ready) return true;
    const std::string path = std::string(kLockFolder) + "/" + std::to_string(port);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) return true;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
    ::close(fd);
    return false;
}

}  // namespace

std::vector<std::uint16_t> reserveLoopbackPorts(std::size_t count) {
    static std::mutex mutex;
    static std::mt19937 random(std::random_device{}());
    static const bool folder_ready = lockFolderReady();
    static std::set<std::uint16_t> handed_out;  // this process's: never one port twice
    std::lock_guard lock(mutex);
    const std::uint16_t end = firstEphemeralPort();
    std::vector<std::uint16_t> ports;
    const std::size_t most_tries = 1000 + 10 * count;
    for (std::size_t tries = 0; ports.size() < count && tries < most_tries; ++tries) {
        const auto port = static_cast<std::uint16_t>(std::uniform_int_distribution<unsigned>(kFirst, end - 1u)(random));
        // A port whose lock is taken but which is not free to bind stays locked: harmless.
        if (handed_out.count(port) || !lockPort(port, folder_ready) || !bindable(port)) continue;
        handed_out.insert(port);
        ports.push_back(port);
    }
    if (ports.size() < count)
        throw std::runtime_error("cannot find " + std::to_string(count) + " free ports on 127.0.0.1 below " +
                                 std::to_string(end));
    return ports;
}

}  // namespace relaysync::ports
