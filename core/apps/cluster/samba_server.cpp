#include "cluster/samba_server.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "cluster/child_process.h"

namespace fs = std::filesystem;

namespace relaysync::cluster {

namespace {

using namespace std::chrono_literals;

bool executable(const fs::path& program) { return ::access(program.c_str(), X_OK) == 0; }

// smbd and smbpasswd where Debian puts them, else on PATH.
bool installed(const std::string& name) {
    if (executable("/usr/sbin/" + name)) return true;
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "";
    for (std::size_t start = 0; start <= dirs.size();) {
        const auto end = std::min(dirs.find(':', start), dirs.size());
        if (end > start && executable(fs::path(dirs.substr(start, end - start)) / name)) return true;
        start = end + 1;
    }
    return false;
}

}  // namespace

std::string SambaServer::unavailableReason(const ClusterTools& tools) {
    if (tools.samba_script.empty() || !executable(tools.samba_script)) return tools.samba_script.string() + " cannot be run";
    for (const char* program : {"smbd", "smbpasswd"})
        if (!installed(program)) return std::string(program) + " is not installed (scripts/setup.sh installs samba)";
    return {};
}

SambaServer::SambaServer(ClusterTools tools, fs::path run_dir) : tools_(std::move(tools)), run_dir_(fs::absolute(run_dir)) {
    if (const auto reason = unavailableReason(tools_); !reason.empty()) throw ClusterError(reason);
    fs::create_directories(run_dir_);
}

SambaServer::~SambaServer() {
    try {
        stop();
    } catch (...) {
        // Nothing more to do: stop already tried SIGKILL.
    }
}

void SambaServer::runScript(const std::vector<std::string>& arguments, const std::string& what) {
    const auto output = run_dir_.parent_path() / (run_dir_.filename().string() + ".script.out");
    fs::remove(output);
    // smbd and smbpasswd live in /usr/sbin, which a user's PATH may lack (unavailableReason looks there).
    const char* path = std::getenv("PATH");
    const std::string search = std::string(path && *path ? path : "/usr/bin:/bin") + ":/usr/sbin:/sbin";
    ChildProcess script(LaunchSpec{tools_.samba_script, arguments, environmentWith({{"PATH", search}}), output, {}});
    if (!script.waitExit(30s)) {
        script.kill();
        throw ClusterError("samba.sh " + what + " did not finish within 30 s");
    }
    // The script never prints the password (smbpasswd's output goes to /dev/null).
    if (script.exitCode() != 0)
        throw ClusterError("samba.sh " + what + " failed (" + script.describeEnd() + "): " + lastLines(readText(output), 3));
}

void SambaServer::prepare(const std::string& address, const std::string& user, const std::string& password,
                          const std::map<std::string, fs::path>& shares) {
    address_ = address;
    std::vector<std::string> arguments{"prepare", run_dir_.string(), address, user, password};
    for (const auto& [name, folder] : shares) arguments.push_back(name + "=" + fs::absolute(folder).string());
    runScript(arguments, "prepare");
}

void SambaServer::start() {
    if (running()) throw ClusterError("smbd already runs (pid " + std::to_string(pid_) + ")");
    started_ = true;  // from here on stop() has something to do, even if start fails half-way
    try {
        runScript({"start", run_dir_.string()}, "start");
    } catch (const ClusterError& e) {
        throw ClusterError(std::string(e.what()) + " | smbd: " + lastLines(readText(logFile()), 3));
    }
    pid_ = pidFromFile();
}

void SambaServer::stop() {
    if (!started_) return;
    runScript({"stop", run_dir_.string()}, "stop");
    started_ = false;
}

pid_t SambaServer::pidFromFile() const {
    std::ifstream in(run_dir_ / "smbd.pid");
    pid_t pid = -1;
    in >> pid;
    return pid;
}

bool SambaServer::running() const { return started_ && pid_ > 0 && ::kill(pid_, 0) == 0; }

void SambaServer::pause() {
    if (running()) ::kill(-pid_, SIGSTOP);
}

void SambaServer::resume() {
    if (running()) ::kill(-pid_, SIGCONT);
}

}  // namespace relaysync::cluster
