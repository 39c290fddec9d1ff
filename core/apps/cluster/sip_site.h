#pragma once
// A cluster's nodes over SIP (docs/transport-sip.md): every relay talks to the other relays only
// through one Kamailio (TLS, digest-authenticated accounts) and is the SIP registrar of its own
// terminals on the address it would listen on with `direct` (TLS, its make-certs.sh
// certificate). Passwords are made for each run and go only into files: the profiles (mode
// 600), Kamailio's subscriber table and each relay's terminal_accounts_file (mode 600).
//
//   auto specs = fourSiteProfiles(ports);
//   SipSite sip(tools, data_dir / "sip");     // picks Kamailio's ports
//   sip.apply(specs);                         // then write the profiles, add the nodes
//   cluster.makeCertificates(requests + sip.certificateRequests());
//   sip.start(cluster.certsDir());            // Kamailio, before the relays start

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cluster/cluster.h"
#include "cluster/profile_writer.h"
#include "cluster/sip_server.h"

namespace relaysync::cluster {

// 24 letters and digits from std::random_device.
std::string randomPassword();
// A file only its owner may read (mode 600 before anything is written), written whole; throws
// ClusterError.
void writePrivateFile(const std::filesystem::path& path, const std::string& text);

class SipSite {
public:
    // The name in Kamailio's certificate (make-certs.sh relay:sip-server@net: SAN IP:127.0.0.1).
    static inline const std::string kServerCertificate = "sip-server@net";

    // Kamailio will run in `dir`/kamailio, on two ports of 127.0.0.1 free now (TCP, TLS);
    // the terminal account files go into `dir`.
    SipSite(ClusterTools tools, std::filesystem::path dir);

    // Turns every spec to `sip`. Relays: server = Kamailio's TLS address, relay_accounts = every
    // relay in `specs`, lan_listen = their `listen` (they no longer listen nor have peers), a
    // terminal_accounts_file with the terminals in `specs` whose relay they are. Terminals:
    // server = their relay's lan_listen, relay_accounts = their relay. Each gets a new password.
    void apply(std::vector<ProfileSpec>& specs);
    // A Kamailio account beyond the relays (tests: an account that is no relay).
    void addSubscriber(const std::string& account, const std::string& password);
    // The password `apply` gave an account; throws ClusterError for an unknown one.
    const std::string& password(const std::string& account) const;

    // For Cluster::makeCertificates: Kamailio's server certificate.
    std::vector<std::string> certificateRequests() const { return {"relay:" + kServerCertificate}; }
    // Writes the subscriber table (the relays of `apply` and addSubscriber's), installs the
    // certificate from `certs_dir` and starts Kamailio; waits until it accepts connections.
    void start(const std::filesystem::path& certs_dir);
    void stop() { server_->stop(); }

    SipServer& server() { return *server_; }
    const std::string& tlsAddress() const { return tls_address_; }

private:
    std::filesystem::path dir_;
    std::string tcp_address_, tls_address_;
    std::map<std::string, std::string> subscribers_;  // Kamailio's accounts
    std::map<std::string, std::string> passwords_;    // every account `apply` saw
    std::unique_ptr<SipServer> server_;
};

}  // namespace relaysync::cluster
