#include "admin/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "admin/admin_socket.h"

namespace relaysync::core {

namespace {

std::runtime_error lockError(const std::string& path, const std::string& doing) {
    return std::runtime_error("lock file " + path + ": cannot " + doing + ": " + std::strerror(errno));
}

// The pid the holder wrote, or "unknown" while it has not written it yet (or wrote garbage).
std::string holderPid(int fd) {
    char text[32] = {};
    const auto length = ::pread(fd, text, sizeof text - 1, 0);
    std::string pid;
    for (ssize_t i = 0; i < length && text[i] >= '0' && text[i] <= '9'; ++i) pid.push_back(text[i]);
    return pid.empty() ? "unknown" : pid;
}

bool sameFile(int fd, const std::string& path) {
    struct stat locked {}, current {};
    return ::fstat(fd, &locked) == 0 && ::stat(path.c_str(), &current) == 0 && locked.st_dev == current.st_dev &&
           locked.st_ino == current.st_ino;
}

}  // namespace

InstanceLock::InstanceLock(std::string lock_path, std::string what) : path_(std::move(lock_path)) {
    // A holder that ends removes the file; whoever locked the removed file just then must try
    // the new one, or two could each hold a lock on a different file. A few rounds are plenty.
    for (int round = 0; fd_ < 0; ++round) {
        // 0600: another user who could open the file could also lock it and so block the daemon.
        const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) throw lockError(path_, "open it");
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            const int error = errno;
            const auto pid = holderPid(fd);
            ::close(fd);
            errno = error;
            if (error == EWOULDBLOCK) throw AlreadyRunning("already running (pid " + pid + ") on " + what);
            throw lockError(path_, "lock it");
        }
        if (sameFile(fd, path_)) {
            fd_ = fd;
        } else {
            ::close(fd);
            if (round == 10) throw std::runtime_error("lock file " + path_ + ": it keeps being replaced");
        }
    }
    const auto pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        const auto error = lockError(path_, "write the pid into it");
        ::close(fd_);
        throw error;
    }
}

InstanceLock::~InstanceLock() {
    // Removed while still locked: a newcomer then either fails to lock this file or finds
    // that it is no longer the one at the path (see the constructor).
    ::unlink(path_.c_str());
    ::close(fd_);
}

InstanceLockPlace instanceLockPlace(const Profile& profile) {
    const std::string sqlite = "sqlite:";
    if (profile.database.rfind(sqlite, 0) == 0) {
        const auto file = profile.database.substr(sqlite.size());
        if (file != ":memory:") {
            std::error_code error;
            const auto resolved = std::filesystem::weakly_canonical(file, error);
            return {(error ? file : resolved.string()) + ".lock", profile.database};
        }
    }
    const auto socket = adminSocketPath(profile);
    return {socket + ".lock", "admin socket " + socket};
}

}  // namespace relaysync::core
