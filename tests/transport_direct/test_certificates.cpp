#include "test_certificates.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace relaysync::tests {

namespace fs = std::filesystem;

namespace {

std::string quoted(const std::string& text) { return "'" + text + "'"; }

void run(const std::string& arguments, const fs::path& log) {
    const std::string command =
        "bash " + quoted(RELAYSYNC_MAKE_CERTS_SCRIPT) + " " + arguments + " >>" + quoted(log.string()) + " 2>&1";
    if (std::system(command.c_str()) != 0) {
        std::ifstream in(log);
        std::stringstream text;
        text << in.rdbuf();
        throw std::runtime_error("make-certs.sh failed: " + command + "\n" + text.str());
    }
}

}  // namespace

TestCertificates::TestCertificates() {
    std::string pattern = (fs::temp_directory_path() / "relaysync-direct-certs-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot make a temporary folder");
    dir_ = pattern;
    fs::create_directories(scratch());
    const fs::path log = dir_ / "make-certs.log";
    run(quoted(dir_.string()) +
            " relay:relay-a@net relay:relay-b@net relay:relay-c@net terminal:client-a@relay-a.net:relay-a@net"
            " terminal:client-b@relay-b.net:relay-b@net",
        log);
    run("--ca-name rogue-ca " + quoted((dir_ / "rogue").string()) +
            " relay:relay-a@net terminal:client-a@relay-a.net:relay-a@net",
        log);
    // A certificate of the network's CA that names no role, as certificates made before roles.
    const auto legacy = dir_ / "legacy@net";
    const std::string openssl =
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + quoted(legacy.string() + ".key") +
        " && openssl req -new -key " + quoted(legacy.string() + ".key") + " -subj /CN=legacy@net | openssl x509 -req"
        " -CA " + quoted((dir_ / "ca.pem").string()) + " -CAkey " + quoted((dir_ / "ca.key").string()) +
        " -set_serial 7 -days 30 -out " + quoted(legacy.string() + ".pem");
    if (std::system(("(" + openssl + ") >>" + quoted(log.string()) + " 2>&1").c_str()) != 0)
        throw std::runtime_error("openssl could not make the role-less certificate");

    // A key that never leaves its site: only the request goes to the CA, only the certificate back.
    const std::string client_c = "terminal:client-c@relay-a.net:relay-a@net";
    run("request " + quoted((dir_ / "site").string()) + " " + client_c, log);
    run("sign " + quoted(dir_.string()) + " " + quoted((dir_ / "site" / "client-c@relay-a.net.csr").string()) + " " +
            client_c,
        log);

    // The CA's list grows; each stage is kept as a file of its own.
    const auto keep = [&](const std::string& name) { fs::copy_file(dir_ / "ca.crl.pem", dir_ / name); };
    run("crl " + quoted(dir_.string()), log);
    keep("crl-none.pem");
    run("revoke --reason keyCompromise " + quoted(dir_.string()) + " client-a@relay-a.net", log);
    keep("crl-client-a.pem");
    run("revoke " + quoted(dir_.string()) + " relay-c@net", log);
    keep("crl-client-a-relay-c.pem");
    run("crl --ca-name rogue-ca " + quoted((dir_ / "rogue").string()), log);
}

TestCertificates::~TestCertificates() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

const TestCertificates& TestCertificates::get() {
    static const TestCertificates certificates;
    return certificates;
}

}  // namespace relaysync::tests
