#pragma once
// Certificates for the tests, made once per test process by scripts/make-certs.sh in a fresh
// temporary folder, which is removed when the process exits:
//   the network's CA and relays relay-a@net, relay-b@net, relay-c@net, terminals
//   client-a@relay-a.net (of relay-a@net) and client-b@relay-b.net (of relay-b@net), and
//   legacy@net, whose certificate names no role;
//   a separate "rogue" CA with its own relay-a@net and client-a@relay-a.net;
//   client-c@relay-a.net (of relay-a@net), whose key was made at a "site" folder and whose
//   certificate the CA signed from the site's request (make-certs.sh request / sign);
//   revocation lists of the network's CA: none revoked, client-a@relay-a.net revoked, and
//   client-a@relay-a.net and relay-c@net revoked; and one of the rogue CA (make-certs.sh crl /
//   revoke).

#include <filesystem>
#include <string>

namespace relaysync::tests {

class TestCertificates {
public:
    static const TestCertificates& get();  // throws if the script fails

    std::string ca() const { return (dir_ / "ca.pem").string(); }
    std::string caKey() const { return (dir_ / "ca.key").string(); }
    std::string certificate(const std::string& account) const { return (dir_ / (account + ".pem")).string(); }
    std::string key(const std::string& account) const { return (dir_ / (account + ".key")).string(); }

    std::string rogueCa() const { return (dir_ / "rogue" / "rogue-ca.pem").string(); }
    std::string rogueCertificate(const std::string& account) const { return (dir_ / "rogue" / (account + ".pem")).string(); }
    std::string rogueKey(const std::string& account) const { return (dir_ / "rogue" / (account + ".key")).string(); }

    std::string siteCertificate(const std::string& account) const { return (dir_ / "site" / (account + ".pem")).string(); }
    std::string siteKey(const std::string& account) const { return (dir_ / "site" / (account + ".key")).string(); }

    std::string crlNoneRevoked() const { return (dir_ / "crl-none.pem").string(); }
    std::string crlClientARevoked() const { return (dir_ / "crl-client-a.pem").string(); }
    std::string crlClientAAndRelayCRevoked() const { return (dir_ / "crl-client-a-relay-c.pem").string(); }
    std::string rogueCrl() const { return (dir_ / "rogue" / "rogue-ca.crl.pem").string(); }

    // A scratch folder for files a test writes (bad PEM files and the like).
    std::filesystem::path scratch() const { return dir_ / "scratch"; }

    ~TestCertificates();

private:
    TestCertificates();
    std::filesystem::path dir_;
};

}  // namespace relaysync::tests
