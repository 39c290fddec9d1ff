#include "child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace relaysync::bench {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Async-signal-safe: a fixed table of process groups, read by the handler.
std::array<std::atomic<pid_t>, 16> groups{};

void endGroups(int signal) {
    for (auto& group : groups)
        if (const pid_t pid = group.load(); pid > 0) ::kill(-pid, SIGKILL);
    ::_exit(128 + signal);
}

}  // namespace

void installSignalCleanup() {
    struct sigaction action {};
    action.sa_handler = endGroups;
    ::sigemptyset(&action.sa_mask);
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal, &action, nullptr);
}

void endOnSignal(pid_t group) {
    if (group <= 0) return;
    for (auto& slot : groups) {
        pid_t empty = 0;
        if (slot.compare_exchange_strong(empty, group)) return;
    }
}

void forgetOnSignal(pid_t group) {
    if (group <= 0) return;
    for (auto& slot : groups) {
        pid_t expected = group;
        slot.compare_exchange_strong(expected, 0);
    }
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_path) {
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::setsid();  // its own group: stop() ends what it started too
        const int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        const int in = ::open("/dev/null", O_RDONLY);
        if (in >= 0) ::dup2(in, 0);
        if (out >= 0) {
            ::dup2(out, 1);
            ::dup2(out, 2);
        }
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        ::signal(SIGHUP, SIG_DFL);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    endOnSignal(pid_);
}

ChildProcess::~ChildProcess() { stop(); }

bool ChildProcess::collect(int options, int* status) {
    if (pid_ <= 0) return false;
    rusage usage{};
    const pid_t got = ::wait4(pid_, status, options, &usage);
    if (got != pid_) return false;
    cpu_at_exit_ = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    switches_at_exit_ = usage.ru_nvcsw + usage.ru_nivcsw;
    // Whatever it left in its group (e.g. a shell of an exec action) goes with it.
    ::kill(-pid_, SIGKILL);
    forgetOnSignal(pid_);
    pid_ = -1;
    return true;
}

std::optional<int> ChildProcess::poll() {
    int status = 0;
    if (!collect(WNOHANG, &status)) return std::nullopt;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (auto status = poll()) return status;
        if (Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

void ChildProcess::stop() {
    if (pid_ <= 0) return;
    const pid_t pid = pid_;
    ::kill(pid, SIGTERM);
    if (wait(std::chrono::seconds(3))) return;
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    int status = 0;
    collect(0, &status);
}

double groupCpuSeconds(pid_t group) {
    if (group <= 0) return 0;
    const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
    double total = 0;
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ignored)) {
        const auto name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        const std::string stat = readFile(entry.path() / "stat");
        const auto close = stat.rfind(')');
        if (close == std::string::npos) continue;
        // After "pid (comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
        std::istringstream fields(stat.substr(close + 2));
        std::string state;
        long ppid = 0, pgrp = 0, skip = 0;
        unsigned long long utime = 0, stime = 0;
        fields >> state >> ppid >> pgrp;
        for (int i = 0; i < 8; ++i) fields >> skip;
        fields >> utime >> stime;
        if (fields && pgrp == group) total += static_cast<double>(utime + stime) / tick;
    }
    return total;
}

long contextSwitches(pid_t pid) {
    long total = 0;
    std::error_code ignored;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ignored)) {
        std::istringstream status(readFile(task.path() / "status"));
        for (std::string line; std::getline(status, line);)
            if (line.rfind("voluntary_ctxt_switches:", 0) == 0 || line.rfind("nonvoluntary_ctxt_switches:", 0) == 0)
                total += std::stol(line.substr(line.find(':') + 1));
    }
    return total;
}

pid_t kamailioGroup(unsigned port) {
    const std::string needle = "LISTEN_TCP=tcp:127.0.0.1:" + std::to_string(port);
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ignored)) {
        const auto name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string command = readFile(entry.path() / "cmdline");
        for (auto& c : command)
            if (c == '\0') c = ' ';
        command += ' ';
        if (command.rfind("/usr/sbin/kamailio ", 0) != 0 || command.find(needle + " ") == std::string::npos) continue;
        const pid_t group = ::getpgid(std::stoi(name));
        if (group > 0) return group;
    }
    return -1;
}

}  // namespace relaysync::bench
