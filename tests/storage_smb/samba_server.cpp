#include "samba_server.h"

#include "ports/loopback_ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace relaysync::tests {

namespace {


std::string quote(const std::string& text) {
    std::string quoted = "'";
    for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

void run(const std::string& command) {
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

}  // namespace

std::string sambaScript() { return RELAYSYNC_SAMBA_SCRIPT; }

SambaServer::SambaServer(const std::filesystem::path& run_dir, const std::string& user, const std::string& password,
                         const std::map<std::string, std::filesystem::path>& shares)
    : run_dir_(run_dir), port_(ports::reserveLoopbackPort()) {
    std::string command = quote(sambaScript()) + " prepare " + quote(run_dir_.string()) + " 127.0.0.1:" +
                          std::to_string(port_) + " " + quote(user) + " " + quote(password);
    // Appended piece by piece: GCC 12 at -O2 warns (-Wrestrict, falsely) on "literal" + string&&.
    for (const auto& [name, folder] : shares) {
        command += ' ';
        command += quote(name + "=" + folder.string());
    }
    run(command);
}

SambaServer::~SambaServer() {
    try {
        stop();
    } catch (...) {
    }
}

void SambaServer::start() { run(quote(sambaScript()) + " start " + quote(run_dir_.string())); }

void SambaServer::stop() { run(quote(sambaScript()) + " stop " + quote(run_dir_.string())); }

pid_t SambaServer::pid() const {
    std::ifstream in(run_dir_ / "smbd.pid");
    pid_t pid = -1;
    in >> pid;
    return pid;
}

void SambaServer::pause() {
    if (const pid_t p = pid(); p > 0) ::kill(-p, SIGSTOP);  // its group: each connection has its own smbd
}

void SambaServer::resume() {
    if (const pid_t p = pid(); p > 0) ::kill(-p, SIGCONT);
}

}  // namespace relaysync::tests
