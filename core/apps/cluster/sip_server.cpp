#include "cluster/sip_server.h"

#include <signal.h>

#include <thread>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "cluster/wait.h"

namespace fs = std::filesystem;

namespace relaysync::cluster {

namespace {

using namespace std::chrono_literals;

bool accepts(const std::string& address) {
    try {
        Poco::Net::StreamSocket socket;
        socket.connect(Poco::Net::SocketAddress(address), Poco::Timespan(0, 200000));
        socket.close();
        return true;
    } catch (const Poco::Exception&) {
        return false;
    }
}

}  // namespace

SipServer::SipServer(ClusterTools tools, fs::path run_dir) : tools_(std::move(tools)), run_dir_(fs::absolute(run_dir)) {
    if (tools_.kamailio_script.empty() || !fs::exists("/usr/sbin/kamailio"))
        throw ClusterError("kamailio is not installed: run scripts/setup.sh");
    fs::create_directories(run_dir_);
}

SipServer::~SipServer() {
    try {
        stop();
    } catch (...) {
        // ChildProcess's destructor still kills and reaps it.
    }
}

void SipServer::runScript(const std::vector<std::string>& arguments, const std::string& what) {
    const auto output = run_dir_ / "script.out";
    fs::remove(output);
    ChildProcess script(LaunchSpec{tools_.kamailio_script, arguments, environmentWith({}), output, {}});
    if (!script.waitExit(30s)) {
        script.kill();
        throw ClusterError("kamailio.sh " + what + " did not finish within 30 s");
    }
    // The script names accounts, never passwords, in what it prints.
    if (script.exitCode() != 0)
        throw ClusterError("kamailio.sh " + what + " failed (" + script.describeEnd() + "): " + lastLines(readText(output), 3));
}

void SipServer::prepare(const std::map<std::string, std::string>& accounts) {
    std::vector<std::string> arguments{"prepare", run_dir_.string()};
    for (const auto& [account, password] : accounts) arguments.push_back(account + "=" + password);
    runScript(arguments, "prepare");
}

void SipServer::useCertificate(const fs::path& certificate, const fs::path& key) {
    runScript({"tls", run_dir_.string(), certificate.string(), key.string()}, "tls");
}

void SipServer::start(const std::string& tcp_address, const std::string& tls_address, std::chrono::milliseconds bound) {
    if (process_.running()) throw ClusterError("kamailio already runs (pid " + std::to_string(process_.pid()) + ")");
    tcp_address_ = tcp_address;
    tls_address_ = tls_address;
    process_ = ChildProcess(LaunchSpec{tools_.kamailio_script, {"run", run_dir_.string(), tcp_address, tls_address},
                                       environmentWith({}), run_dir_ / "kamailio.log", {}});
    try {
        waitUntil("kamailio accepts connections on " + tcp_address + " and " + tls_address, bound, [&]() -> std::string {
            if (!process_.running()) throw WaitAborted("kamailio exited (" + process_.describeEnd() + "): " + lastLines(log(), 3));
            return accepts(tcp_address) && accepts(tls_address) ? std::string() : "not yet";
        }, 20ms);
    } catch (const std::exception& e) {
        stop();
        throw ClusterError(std::string(e.what()) + " | " + lastLines(log(), 3));
    }
}

void SipServer::stop() {
    const pid_t pid = process_.pid();
    if (pid <= 0 || process_.exitCode()) return;
    process_.stop(5s);
    // The group is Kamailio's own (ChildProcess made it); whatever of it is left is ours.
    ::kill(-pid, SIGKILL);
    // Its children leave with it; a restart on the same ports needs them free.
    for (int i = 0; i < 250 && (accepts(tcp_address_) || accepts(tls_address_)); ++i)
        std::this_thread::sleep_for(20ms);
}

std::string SipServer::log() const { return readText(run_dir_ / "kamailio.log"); }

}  // namespace relaysync::cluster
