#include "ports/loopback_ports.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

namespace relaysync::ports {

namespace {

constexpr std::uint16_t kFirst = 10000;
constexpr const char* kSharedLockFile = "/tmp/relaysync-ports.lock";

std::runtime_error failure(const std::string& what) {
    return std::runtime_error("loopback ports: " + what + ": " + std::strerror(errno));
}

// Ports are picked from kFirst up to the first port of the kernel's range for outgoing connections.
std::uint16_t firstEphemeralPort() {
    std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
    unsigned low = 0;
    if (!(range >> low)) return 32768;  // Linux's default
    if (low <= kFirst + 1000u || low > 65535)
        throw std::runtime_error("loopback ports: ip_local_port_range starts at " + std::to_string(low) +
                                 ", which leaves no room below it from " + std::to_string(kFirst));
    return static_cast<std::uint16_t>(low);
}

bool bindable(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw failure("socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return bound;
}

// A regular file, opened without following a link. The shared one is made readable and writable
// by every user (past the umask), so that all users' processes lock in the same file.
int openLockFile(const std::string& path, mode_t mode) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, mode);
    if (fd < 0) return -1;
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        errno = EINVAL;
        return -1;
    }
    if (info.st_uid == ::geteuid()) ::fchmod(fd, mode);
    return fd;
}

// The one descriptor that holds every lock of this process: the shared file, or (when another
// user's file is in its place and will not let this user write) this user's own.
int lockFile() {
    if (const int fd = openLockFile(kSharedLockFile, 0666); fd >= 0) return fd;
    const std::string own = "/tmp/relaysync-ports-" + std::to_string(::geteuid()) + ".lock";
    if (const int fd = openLockFile(own, 0600); fd >= 0) return fd;
    throw failure("cannot open " + std::string(kSharedLockFile) + " or " + own);
}

// Byte `port` of the lock file, as an open-file-description lock: the kernel drops it when the
// process ends, however it ends, and it conflicts with every other process's lock of that byte
// (and with POSIX record locks, which tests/support/free_port.py takes).
bool lockPort(int fd, std::uint16_t port, short type) {
    struct flock range {};
    range.l_type = type;
    range.l_whence = SEEK_SET;
    range.l_start = port;
    range.l_len = 1;
    if (::fcntl(fd, F_OFD_SETLK, &range) == 0) return true;
    if (errno == EAGAIN || errno == EACCES) return false;  // another process holds it
    throw failure("locking port " + std::to_string(port));
}

}  // namespace

std::vector<std::uint16_t> reserveLoopbackPorts(std::size_t count) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    static std::mt19937 random(std::random_device{}());
    static const int fd = lockFile();
    static std::set<std::uint16_t> handed_out;  // this process's locks do not stop this process
    const std::uint16_t end = firstEphemeralPort();
    std::vector<std::uint16_t> ports;
    const std::size_t most_tries = 1000 + 10 * count;
    for (std::size_t tries = 0; ports.size() < count && tries < most_tries; ++tries) {
        const auto port = static_cast<std::uint16_t>(std::uniform_int_distribution<unsigned>(kFirst, end - 1u)(random));
        if (handed_out.count(port) || !lockPort(fd, port, F_WRLCK)) continue;
        if (!bindable(port)) {
            lockPort(fd, port, F_UNLCK);
            continue;
        }
        handed_out.insert(port);
        ports.push_back(port);
    }
    if (ports.size() < count)
        throw std::runtime_error("loopback ports: cannot find " + std::to_string(count) + " free ports on 127.0.0.1 below " +
                                 std::to_string(end));
    return ports;
}

}  // namespace relaysync::ports
