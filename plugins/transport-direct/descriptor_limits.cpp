#include "descriptor_limits.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace relaysync::transport_direct {

DescriptorLimit raiseDescriptorLimit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return {};
    DescriptorLimit result{static_cast<std::size_t>(limit.rlim_cur), static_cast<std::size_t>(limit.rlim_cur)};
    // RLIM_INFINITY is not accepted for open files; the kernel's ceiling is fs.nr_open (2^20 by default).
    const rlim_t wanted = limit.rlim_max == RLIM_INFINITY ? rlim_t(1) << 20 : limit.rlim_max;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        rlimit raised = limit;
        raised.rlim_cur = wanted;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) result.now = static_cast<std::size_t>(wanted);
    }
    return result;
}

std::size_t descriptorLimit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return std::size_t(1) << 20;
    return static_cast<std::size_t>(limit.rlim_cur);
}

std::size_t openDescriptors() {
    std::error_code error;
    std::size_t count = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end; it.increment(error))
        ++count;
    return count > 0 ? count - 1 : 0;  // not the one that lists them
}

bool outOfDescriptors(int error) noexcept { return error == EMFILE || error == ENFILE; }

std::string describeDescriptorShortage(int error) {
    if (error == ENFILE) return "out of file descriptors (ENFILE: the whole system has reached its limit, fs.file-max)";
    const std::size_t open = openDescriptors();  // 0 when even /proc/self/fd cannot be opened
    // The limit is on descriptor numbers: with gaps below it, fewer than the limit are open.
    const std::string limit = std::to_string(descriptorLimit());
    if (open == 0) return "out of file descriptors (EMFILE: this process has reached its limit of " + limit + ")";
    return "out of file descriptors (EMFILE: this process has " + std::to_string(open) + " open, its limit is " +
           limit + ")";
}

void SpareDescriptor::release() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void SpareDescriptor::acquire() noexcept {
    if (fd_ < 0) fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

}  // namespace relaysync::transport_direct
