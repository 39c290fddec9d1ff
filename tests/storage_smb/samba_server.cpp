#include "samba_server.h"

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

std::uint16_t freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    const bool bound = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                       ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
    if (fd >= 0) ::close(fd);
    if (!bound) throw std::runtime_error("no free port on 127.0.0.1");
    return ntohs(address.sin_port);
}

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
    : run_dir_(run_dir), port_(freePort()) {
    std::string command = quote(sambaScript()) + " prepare " + quote(run_dir_.string()) + " 127.0.0.1:" +
                          std::to_string(port_) + " " + quote(user) + " " + quote(password);
    for (const auto& [name, folder] : shares) command += " " + quote(name + "=" + folder.string());
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
