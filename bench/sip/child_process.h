#pragma once
// A child process for the SIP benchmark (sipp): started in a session of its own, stopped by its
// pid (and its process group) from stop() and from the destructor, so every exit path ends it.
// Also the CPU time of a process group, read from /proc (Kamailio's processes, a running sipp).

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace relaysync::bench {

class ChildProcess {
public:
    // Starts argv[0] (looked up in PATH) with stdout and stderr appended to `log_path`.
    ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    // Its exit status once it has exited (collected without blocking), else nothing.
    std::optional<int> poll();
    // Waits up to `timeout` for it to exit; its exit status, or nothing (then it still runs).
    std::optional<int> wait(std::chrono::milliseconds timeout);
    // CPU seconds (user + system) it and its waited-for children used; valid after it exited.
    double cpuSecondsAtExit() const { return cpu_at_exit_; }
    // Context switches (voluntary and not) it made; valid after it exited.
    long switchesAtExit() const { return switches_at_exit_; }
    // SIGTERM, then SIGKILL after 3 s, to the process and its group; waits for it.
    void stop();

private:
    bool collect(int options, int* status);
    pid_t pid_ = -1;
    double cpu_at_exit_ = 0;
    long switches_at_exit_ = 0;
};

// Context switches (voluntary and not) of the live process `pid`'s threads so far.
long contextSwitches(pid_t pid);

// User + system CPU seconds of the live processes whose process group is `group`.
double groupCpuSeconds(pid_t group);
// The process group of the Kamailio listening on tcp:127.0.0.1:PORT (found by its command line),
// or -1.
pid_t kamailioGroup(unsigned port);
// On SIGINT, SIGTERM or SIGHUP the process groups registered here (every ChildProcess's, and
// what endOnSignal names) are killed before this process exits with 128 + the signal.
void installSignalCleanup();
void endOnSignal(pid_t group);
void forgetOnSignal(pid_t group);

}  // namespace relaysync::bench
