#include "shell_hook.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace relaysync::core {

namespace {

void run(const std::string& name, const std::string& command) {
    // posix_spawn rather than system(): it is safe to call from the suite's case thread.
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    pid_t pid = 0;
    if (const int err = ::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ))
        throw std::runtime_error(name + ": cannot start /bin/sh: " + std::strerror(err));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) throw std::runtime_error(name + ": waitpid: " + std::strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    const std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                              : "was killed by signal " + std::to_string(WTERMSIG(status));
    throw std::runtime_error("`" + command + "` " + how);
}

}  // namespace

std::function<void()> shellHook(const std::string& name, const std::string& command) {
    if (command.empty()) return {};
    return [name, command] { run(name, command); };
}

}  // namespace relaysync::core
