#include "kamailio_server.h"

#include "ports/loopback_ports.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace relaysync::tests {

namespace {

using Clock = std::chrono::steady_clock;

bool accepts(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

KamailioServer::KamailioServer(const std::map<std::string, std::string>& accounts) {
    if (::access("/usr/sbin/kamailio", X_OK) != 0)
        throw std::runtime_error("kamailio is not installed: run scripts/setup.sh");
    char dir[] = "/tmp/relaysync-kamailio-XXXXXX";
    if (!::mkdtemp(dir)) throw std::runtime_error("cannot make a run folder for kamailio");
    run_dir_ = dir;
    port_ = ports::reserveLoopbackPort();
    std::string command = std::string(RELAYSYNC_KAMAILIO_SCRIPT) + " prepare " + run_dir_;
    for (const auto& [account, password] : accounts) command += " '" + account + "=" + password + "'";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

KamailioServer::~KamailioServer() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(run_dir_, ignored);
}

void KamailioServer::enableTls(const std::string& certificate, const std::string& key, const std::string& client_ca) {
    const std::string command = std::string(RELAYSYNC_KAMAILIO_SCRIPT) + " tls " + run_dir_ + " '" + certificate + "' '" + key +
                                "'" + (client_ca.empty() ? std::string() : " '" + client_ca + "'");
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
    if (tls_port_ == 0) tls_port_ = ports::reserveLoopbackPort();
}

void KamailioServer::start() {
    if (pid_ > 0) return;
    const std::string script = RELAYSYNC_KAMAILIO_SCRIPT;
    const std::string log = run_dir_ + "/kamailio.log";
    const std::string address = this->address();
    const std::string tls_address = tls_port_ ? tlsAddress() : std::string();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        // Its own session, so that a signal to the test's terminal does not reach it twice; the
        // script execs kamailio, so this pid is kamailio's.
        ::setsid();
        const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (out >= 0) {
            ::dup2(out, 1);
            ::dup2(out, 2);
        }
        if (tls_port_)
            ::execl(script.c_str(), script.c_str(), "run", run_dir_.c_str(), address.c_str(), tls_address.c_str(),
                    static_cast<char*>(nullptr));
        else
            ::execl(script.c_str(), script.c_str(), "run", run_dir_.c_str(), address.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!accepts(port_) || (tls_port_ && !accepts(tls_port_))) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("kamailio exited at start:\n" + this->log());
        }
        if (Clock::now() > deadline) {
            stop();
            throw std::runtime_error("kamailio did not accept connections within 10 s:\n" + this->log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void KamailioServer::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) != pid_) {
        if (Clock::now() > deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (Clock::now() > deadline)
        std::fprintf(stderr, "(kamailio %d did not stop within 5 s of SIGTERM: killed, with its process group)\n",
                     static_cast<int>(pid_));
    // A child that hangs in its exit (seen with the tls module) would outlive a killed main
    // process and spin on: the whole process group is ours (setsid at start), end what is left.
    ::kill(-pid_, SIGKILL);
    pid_ = -1;
    // Its children leave with it; wait until the port is free for a restart on it.
    const auto free_deadline = Clock::now() + std::chrono::seconds(5);
    while ((accepts(port_) || (tls_port_ && accepts(tls_port_))) && Clock::now() < free_deadline) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

std::string KamailioServer::log() const {
    std::ifstream in(run_dir_ + "/kamailio.log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace relaysync::tests
