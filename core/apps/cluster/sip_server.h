#pragma once
// Kamailio with relaysync's configuration (config/kamailio), run for a cluster's relays through
// scripts/kamailio.sh in a run folder of its own: a TCP listener and a TLS one whose certificate
// make-certs.sh made. Started as our child (its own process group, killed if we die) and
// stopped by its pid; the destructor stops it.
//
//   SipServer server(tools, data_dir / "kamailio");
//   server.prepare({{"relay-server1@net", password1}, ...});   // the subscriber table
//   server.useCertificate(certs / "sip-server@net.pem", certs / "sip-server@net.key");
//   server.start("127.0.0.1:5060", "127.0.0.1:5061");

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include "cluster/child_process.h"
#include "cluster/cluster.h"

namespace relaysync::cluster {

class SipServer {
public:
    SipServer(ClusterTools tools, std::filesystem::path run_dir);
    ~SipServer();  // stop(); never throws
    SipServer(const SipServer&) = delete;
    SipServer& operator=(const SipServer&) = delete;

    // `kamailio.sh prepare`: the accounts (account -> password) that may register. Passwords
    // go only into the table (mode 600). Throws ClusterError with the script's output.
    void prepare(const std::map<std::string, std::string>& accounts);
    // `kamailio.sh tls`: the server's certificate (PEM, chain) and key for the TLS listener.
    void useCertificate(const std::filesystem::path& certificate, const std::filesystem::path& key);
    // Runs Kamailio (`kamailio.sh run`, which execs it: our child's pid is Kamailio's) and
    // waits until both addresses ("127.0.0.1:PORT") accept connections. Throws ClusterError
    // with the end of its log when it exits first or `bound` passes.
    void start(const std::string& tcp_address, const std::string& tls_address,
               std::chrono::milliseconds bound = std::chrono::seconds(10));
    // SIGTERM, SIGKILL after 5 s; then its process group (a child of Kamailio 5.6's tls module
    // sometimes hangs in its exit). Waits until the addresses are free again (bounded).
    void stop();

    bool running() { return process_.running(); }
    pid_t pid() const { return process_.pid(); }
    const std::string& tcpAddress() const { return tcp_address_; }
    const std::string& tlsAddress() const { return tls_address_; }
    const std::filesystem::path& runDir() const { return run_dir_; }
    std::string log() const;  // what Kamailio wrote

private:
    void runScript(const std::vector<std::string>& arguments, const std::string& what);

    ClusterTools tools_;
    std::filesystem::path run_dir_;
    std::string tcp_address_, tls_address_;
    ChildProcess process_;
};

}  // namespace relaysync::cluster
