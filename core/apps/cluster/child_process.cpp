#include "cluster/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <thread>

#include "cluster/cluster_error.h"

extern char** environ;

namespace relaysync::cluster {

namespace {

using namespace std::chrono_literals;

std::vector<char*> pointersTo(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (auto& text : strings) pointers.push_back(text.data());
    pointers.push_back(nullptr);
    return pointers;
}

// What the child does between fork and exec: async-signal-safe calls only.
[[noreturn]] void becomeChild(pid_t parent, const char* program, char* const* argv, char* const* envp,
                              const char* output, const char* error_output) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    ::setpgid(0, 0);
    // Signals ignored or blocked by the parent would be inherited; a daemon must get its own.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction by_default {};
    by_default.sa_handler = SIG_DFL;
    for (const int each : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) ::sigaction(each, &by_default, nullptr);
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(output, O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int err = *error_output ? ::open(error_output, O_WRONLY | O_CREAT | O_APPEND, 0644) : out;
    if (in < 0 || out < 0 || err < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(program, argv, envp);
    static const char message[] = "cannot execute the program\n";
    [[maybe_unused]] auto ignored = ::write(2, message, sizeof message - 1);
    ::_exit(127);
}

}  // namespace

std::vector<std::string> environmentWith(const std::vector<std::pair<std::string, std::string>>& overrides) {
    std::map<std::string, std::string> variables;
    for (char** entry = environ; entry && *entry; ++entry) {
        const std::string text = *entry;
        const auto equals = text.find('=');
        if (equals != std::string::npos) variables[text.substr(0, equals)] = text.substr(equals + 1);
    }
    for (const auto& [name, value] : overrides) variables[name] = value;
    std::vector<std::string> environment;
    for (const auto& [name, value] : variables) environment.push_back(name + "=" + value);
    return environment;
}

ChildProcess::ChildProcess(const LaunchSpec& spec) {
    if (::access(spec.program.c_str(), X_OK) != 0)
        throw ClusterError("cannot start " + spec.program.string() + ": " + std::strerror(errno));
    // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
    std::vector<std::string> arguments{spec.program.filename().string()};
    arguments.insert(arguments.end(), spec.arguments.begin(), spec.arguments.end());
    std::vector<std::string> environment = spec.environment;
    auto argv = pointersTo(arguments);
    auto envp = pointersTo(environment);
    const std::string program = spec.program.string();
    const std::string output = spec.output.string();
    const std::string error_output = spec.error_output.string();
    const pid_t parent = ::getpid();

    const pid_t pid = ::fork();
    if (pid < 0) throw ClusterError("cannot start " + program + ": fork failed: " + std::strerror(errno));
    if (pid == 0) becomeChild(parent, program.c_str(), argv.data(), envp.data(), output.c_str(), error_output.c_str());
    pid_ = pid;
    reaped_ = false;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept { *this = std::move(other); }

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        if (!reaped_) kill();
        pid_ = other.pid_;
        reaped_ = other.reaped_;
        exit_code_ = other.exit_code_;
        raw_status_ = other.raw_status_;
        other.pid_ = -1;
        other.reaped_ = true;
    }
    return *this;
}

ChildProcess::~ChildProcess() {
    if (!reaped_) kill();
}

bool ChildProcess::reap(bool block) {
    if (reaped_) return true;
    for (;;) {
        int status = 0;
        const pid_t result = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
        if (result == 0) return false;
        if (result < 0 && errno == EINTR) continue;
        reaped_ = true;
        if (result < 0) {  // not our child any more (cannot happen unless someone else reaped it)
            exit_code_ = -1;
            return true;
        }
        raw_status_ = status;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return true;
    }
}

bool ChildProcess::running() { return pid_ > 0 && !reap(false); }

std::string ChildProcess::describeEnd() const {
    if (pid_ <= 0) return "never started";
    if (!reaped_) return "running";
    if (WIFSIGNALED(raw_status_)) return "killed by signal " + std::to_string(WTERMSIG(raw_status_));
    return "exit code " + std::to_string(exit_code_.value_or(-1));
}

void ChildProcess::signal(int signal) {
    if (running()) ::kill(pid_, signal);
}

bool ChildProcess::waitExit(std::chrono::milliseconds bound) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

bool ChildProcess::stop(std::chrono::milliseconds bound) {
    if (!running()) return true;
    ::kill(pid_, SIGTERM);
    if (waitExit(bound)) return true;
    kill();
    return false;
}

void ChildProcess::kill() {
    if (reaped_) return;
    ::kill(pid_, SIGKILL);
    reap(true);
}

}  // namespace relaysync::cluster
