#include "detach.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <system_error>

namespace relaysync::core {

namespace {
// The child's end of the pipe the starting process waits on; -1 when not detached (or ready).
int ready_pipe = -1;
}  // namespace

std::optional<int> detachWhenReady() {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "--daemon: pipe");
    const pid_t child = ::fork();
    if (child < 0) throw std::system_error(errno, std::generic_category(), "--daemon: fork");
    if (child == 0) {
        ::close(ends[0]);
        ::setsid();  // no controlling terminal; a Ctrl-C meant for the starter does not reach it
        ready_pipe = ends[1];
        return std::nullopt;
    }
    ::close(ends[1]);
    char ready = 0;
    ssize_t got = 0;
    do got = ::read(ends[0], &ready, 1);
    while (got < 0 && errno == EINTR);
    ::close(ends[0]);
    if (got == 1) return 0;  // it serves, and goes on without us
    // The pipe closed unannounced: the child ended, having said why on standard error.
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void announceReady() {
    if (ready_pipe < 0) return;
    std::cout.flush();
    std::cerr.flush();
    // Before telling the starter: nothing may reach its terminal once it has returned.
    if (const int null = ::open("/dev/null", O_RDWR); null >= 0) {
        for (const int stream : {0, 1, 2}) ::dup2(null, stream);
        if (null > 2) ::close(null);
    }
    [[maybe_unused]] const auto written = ::write(ready_pipe, "R", 1);
    ::close(ready_pipe);
    ready_pipe = -1;
}

}  // namespace relaysync::core
