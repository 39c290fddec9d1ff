#pragma once
// One program started by this process and owned by it until it has exited and been reaped:
// relaysync-relay, relaysync-terminal, relaysync-admin or make-certs.sh. It is always addressed
// by its process id, never by name, and the id stays ours (a zombie at worst) until reaped, so a
// signal never reaches another program that happened to get the same number.
//
// Children run in a process group of their own (a Ctrl-C at the terminal reaches only the
// parent, which then stops them in order) and die with SIGKILL if this process dies first
// (PR_SET_PDEATHSIG), so a crashed or timed-out test leaves nothing running. That signal follows
// the *thread* that started the child: start children from a thread that outlives them (the
// main thread, in practice).

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace relaysync::cluster {

struct LaunchSpec {
    std::filesystem::path program;          // absolute path of the executable
    std::vector<std::string> arguments;     // without argv[0]
    std::vector<std::string> environment;   // the complete environment, "NAME=value"
    std::filesystem::path output;           // standard output and error are appended here
    std::filesystem::path error_output;     // if set, standard error goes here instead
};

class ChildProcess {
public:
    ChildProcess() = default;
    // Starts the program; throws ClusterError when it cannot be started (fork failed, the
    // program is not executable, the output file cannot be opened).
    explicit ChildProcess(const LaunchSpec& spec);
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    // Kills a child still running (SIGKILL) and reaps it.
    ~ChildProcess();

    pid_t pid() const { return pid_; }
    // True while started and not yet exited; reaps the child once it has exited.
    bool running();
    // How it ended, once reaped: its exit code, or 128 + the signal that ended it.
    std::optional<int> exitCode() const { return exit_code_; }
    // Describes how it ended ("exit code 2", "killed by signal 9") or "running".
    std::string describeEnd() const;

    // Sends `signal` if the child still runs.
    void signal(int signal);
    // Waits up to `bound` for the child to exit; true when it has.
    bool waitExit(std::chrono::milliseconds bound);
    // SIGTERM, up to `bound` for it to exit, then SIGKILL. True when SIGTERM was enough.
    bool stop(std::chrono::milliseconds bound);
    // SIGKILL and reap.
    void kill();

private:
    bool reap(bool block);

    pid_t pid_ = -1;
    bool reaped_ = true;
    std::optional<int> exit_code_;
    int raw_status_ = 0;
};

// The current process environment with `overrides` ("NAME" -> value) set or replaced.
std::vector<std::string> environmentWith(const std::vector<std::pair<std::string, std::string>>& overrides);

}  // namespace relaysync::cluster
