#include "unprivileged.h"

#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <stdexcept>

namespace relaysync::tests {

namespace {

constexpr uid_t kNobody = 65534;
// Exit codes of the child beyond any StatusCode.
constexpr int kCannotDrop = 200;
constexpr int kThrew = 201;

}  // namespace

std::optional<sdk::StatusCode> probeUnprivileged(const std::function<sdk::StatusCode()>& probe) {
    if (::geteuid() != 0) return probe();

    const pid_t child = ::fork();
    if (child < 0) throw std::runtime_error("fork failed");
    if (child == 0) {
        if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)
            ::_exit(kCannotDrop);
        try {
            ::_exit(static_cast<int>(probe()));
        } catch (...) {
            ::_exit(kThrew);
        }
    }
    int wait_status = 0;
    while (::waitpid(child, &wait_status, 0) < 0) {
        if (errno != EINTR) throw std::runtime_error("waitpid failed");
    }
    if (!WIFEXITED(wait_status)) throw std::runtime_error("the unprivileged probe crashed");
    const int code = WEXITSTATUS(wait_status);
    if (code == kCannotDrop) return std::nullopt;
    if (code == kThrew) throw std::runtime_error("the unprivileged probe threw");
    return static_cast<sdk::StatusCode>(code);
}

void reportSkip(const char* test, const char* why) {
    std::cerr << "\nSKIPPED " << test << ": " << why << "\n";
}

}  // namespace relaysync::tests
