#pragma once
// Certificates for the tests, made once per test process by scripts/make-certs.sh in a fresh
// temporary folder, which is removed when the process exits:
//   the network's CA and relays relay-a@net, relay-b@net, relay-c@net, terminals
//   client-a@relay-a.net (of relay-a@net) and client-b@relay-b.net (of relay-b@net), and
//   legacy@net, whose certificate names no role;
//   a separate "rogue" CA with its own relay-a@net and client-a@relay-a.net.

#include <filesystem>
#include <string>

namespace relaysync::tests {

class TestCertificates {
public:
    static const TestCertificates& get();  // throws if the script fails

    std::string ca() const { return (dir_ / "ca.pem").string(); }
    std::string certificate(const std::string& account) const { return (dir_ / (account + ".pem")).string(); }
    std::string key(const std::string& account) const { return (dir_ / (account + ".key")).string(); }

    std::string rogueCa() const { return (dir_ / "rogue" / "rogue-ca.pem").string(); }
    std::string rogueCertificate(const std::string& account) const { return (dir_ / "rogue" / (account + ".pem")).string(); }
    std::string rogueKey(const std::string& account) const { return (dir_ / "rogue" / (account + ".key")).string(); }

    // A scratch folder for files a test writes (bad PEM files and the like).
    std::filesystem::path scratch() const { return dir_ / "scratch"; }

    ~TestCertificates();

private:
    TestCertificates();
    std::filesystem::path dir_;
};

}  // namespace relaysync::tests
