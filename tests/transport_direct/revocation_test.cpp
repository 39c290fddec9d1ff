// Revocation: with `crl`, a peer whose certificate the list names is refused in the TLS
// handshake, whichever side dialed; replacing the file while the node runs cuts such a peer off
// at once, connected or not; a file that cannot be used is an error at start, and a bad new
// version leaves the last good list in force. The lists and the site-made certificate come
// from scripts/make-certs.sh (test_certificates.h).

#include <atomic>
#include <filesystem>
#include <fstream>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "direct_fixture.h"

namespace relaysync::tests {

namespace fs = std::filesystem;

class RevocationTest : public DirectFixture {
    CPPUNIT_TEST_SUITE(RevocationTest);
    CPPUNIT_TEST(aCertificateSignedFromASitesRequestIsAccepted);
    CPPUNIT_TEST(aRevokedTerminalIsRefusedAndOthersAreNot);
    CPPUNIT_TEST(aRevokedRelayIsRefusedWhenDialed);
    CPPUNIT_TEST(replacingTheListCutsOffARevokedPeerAtOnce);
    CPPUNIT_TEST(aBadNewVersionKeepsTheLastGoodList);
    CPPUNIT_TEST(anOverdueListStillApplies);
    CPPUNIT_TEST(anUnusableListIsAnErrorAtStart);
    CPPUNIT_TEST(aNodeWhoseOwnCertificateIsRevokedDoesNotStart);
    CPPUNIT_TEST_SUITE_END();

    // A copy of `list` this test may replace, as an operator replaces the node's file.
    static std::string ownCopyOf(const std::string& list) {
        static std::atomic<int> counter{0};
        const auto path = certs().scratch() / ("crl-" + std::to_string(++counter) + ".pem");
        fs::copy_file(list, path, fs::copy_options::overwrite_existing);
        return path.string();
    }

    // Replaces `path` by `content` in one step (a new file renamed over it), as documented.
    static void replaceFile(const std::string& path, const std::string& content) {
        const std::string temporary = path + ".new";
        std::ofstream(temporary, std::ios::binary | std::ios::trunc) << content;
        fs::rename(temporary, path);
    }

    static std::string contentOf(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    static sdk::PluginConfig withCrl(const std::string& account, const std::string& crl) {
        auto config = tlsConfig(account);
        config["crl"] = crl;
        return config;
    }

    static sdk::PluginConfig siteMadeConfig(const std::string& account) {
        auto config = tlsConfig(account);
        config["certificate"] = certs().siteCertificate(account);
        config["private_key"] = certs().siteKey(account);
        return config;
    }

    // A list of the network's CA naming `revoked_certificate`, whose next update was yesterday:
    // make-certs.sh cannot make one, so it is made here, as OpenSSL's own tools would.
    static std::string overdueList(const std::string& revoked_certificate) {
        const auto read = [](const std::string& path, auto reader) {
            FILE* file = std::fopen(path.c_str(), "r");
            CPPUNIT_ASSERT_MESSAGE("cannot read " + path, file != nullptr);
            auto* object = reader(file, nullptr, nullptr, nullptr);
            std::fclose(file);
            CPPUNIT_ASSERT_MESSAGE("no PEM object in " + path, object != nullptr);
            return object;
        };
        X509* ca = read(certs().ca(), PEM_read_X509);
        X509* revoked = read(revoked_certificate, PEM_read_X509);
        EVP_PKEY* key = read(certs().caKey(), PEM_read_PrivateKey);
        X509_CRL* crl = X509_CRL_new();
        X509_CRL_set_version(crl, 1);
        X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
        ASN1_TIME* last = X509_gmtime_adj(nullptr, -2 * 86400);
        ASN1_TIME* next = X509_gmtime_adj(nullptr, -86400);
        X509_CRL_set1_lastUpdate(crl, last);
        X509_CRL_set1_nextUpdate(crl, next);
        X509_REVOKED* entry = X509_REVOKED_new();
        X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(revoked));
        X509_REVOKED_set_revocationDate(entry, last);
        X509_CRL_add0_revoked(crl, entry);
        X509_CRL_sort(crl);
        CPPUNIT_ASSERT(X509_CRL_sign(crl, key, EVP_sha256()) > 0);
        const std::string path = (certs().scratch() / "crl-overdue.pem").string();
        FILE* out = std::fopen(path.c_str(), "w");
        CPPUNIT_ASSERT(out != nullptr && PEM_write_X509_CRL(out, crl) == 1);
        std::fclose(out);
        ASN1_TIME_free(last);
        ASN1_TIME_free(next);
        X509_CRL_free(crl);
        EVP_PKEY_free(key);
        X509_free(revoked);
        X509_free(ca);
        return path;
    }

    void expectRefusedAtStart(const sdk::PluginConfig& config, const std::string& key, const std::string& about) {
        std::string error;
        const TransportPtr made = create(config, &error);
        CPPUNIT_ASSERT_MESSAGE(about + ": accepted", made == nullptr);
        CPPUNIT_ASSERT_MESSAGE(about + ": the error does not start with " + key + ": " + error,
                               error.rfind(key + ": ", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(about + ": " + error, error.find(about) != std::string::npos);
    }

public:
    // make-certs.sh request at the site, sign at the CA: the certificate works as any other.
    void aCertificateSignedFromASitesRequestIsAccepted() {
        const std::uint16_t port = freePort();
        Node& relay = startNode("relay-a@net", withCrl("relay-a@net", certs().crlNoneRevoked()), port);
        Node& terminal = startNode("client-c@relay-a.net", siteMadeConfig("client-c@relay-a.net"), 0,
                                   {peerAt("relay-a@net", port)});
        ASSERT_STATUS(sdk::StatusCode::ok, terminal.transport->send("relay-a@net", "from the site"));
        CPPUNIT_ASSERT(relay.listener->waitForMessages(1, kWait));
        const auto received = relay.listener->messages().front();
        CPPUNIT_ASSERT_EQUAL(std::string("client-c@relay-a.net"), received.identity.account);
        CPPUNIT_ASSERT(received.identity.role == sdk::PeerRole::terminal);
        CPPUNIT_ASSERT_EQUAL(std::string("relay-a@net"), received.identity.home_relay);
    }

    void aRevokedTerminalIsRefusedAndOthersAreNot() {
        const std::uint16_t port = freePort();
        Node& relay = startNode("relay-a@net", withCrl("relay-a@net", certs().crlClientARevoked()), port);
        Node& revoked = startNode("client-a@relay-a.net", tlsConfig("client-a@relay-a.net"), 0,
                                  {peerAt("relay-a@net", port)});
        Node& other = startNode("client-c@relay-a.net", siteMadeConfig("client-c@relay-a.net"), 0,
                                {peerAt("relay-a@net", port)});

        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused the connection", "revoked", "CN=client-a@relay-a.net",
                      "keyCompromise");
        ASSERT_STATUS(sdk::StatusCode::unreachable, revoked.transport->send("relay-a@net", "let me in"));
        ASSERT_STATUS(sdk::StatusCode::ok, other.transport->send("relay-a@net", "hello"));
        CPPUNIT_ASSERT(relay.listener->waitForMessages(1, kWait));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), relay.listener->messages().size());
        CPPUNIT_ASSERT_EQUAL(std::string("client-c@relay-a.net"), relay.listener->messages().front().from);
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::unreachable, relay.transport->reachability("client-a@relay-a.net"));
    }

    // The dialing side checks the certificate it is shown just the same.
    void aRevokedRelayIsRefusedWhenDialed() {
        const std::uint16_t port = freePort();
        Node& c = startNode("relay-c@net", tlsConfig("relay-c@net"), port);
        Node& a = startNode("relay-a@net", withCrl("relay-a@net", certs().crlClientAAndRelayCRevoked()), 0,
                            {peerAt("relay-c@net", port)});
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused the connection with relay-c@net", "revoked", "CN=relay-c@net");
        ASSERT_STATUS(sdk::StatusCode::unreachable, a.transport->send("relay-c@net", "are you there?"));
        CPPUNIT_ASSERT(c.listener->messages().empty());
    }

    void replacingTheListCutsOffARevokedPeerAtOnce() {
        const std::uint16_t port = freePort();
        const std::string crl = ownCopyOf(certs().crlNoneRevoked());
        Node& relay = startNode("relay-a@net", withCrl("relay-a@net", crl), port);
        Node& revoked = startNode("client-a@relay-a.net", tlsConfig("client-a@relay-a.net"), 0,
                                  {peerAt("relay-a@net", port)});
        Node& other = startNode("client-c@relay-a.net", siteMadeConfig("client-c@relay-a.net"), 0,
                                {peerAt("relay-a@net", port)});
        ASSERT_STATUS(sdk::StatusCode::ok, revoked.transport->send("relay-a@net", "before"));
        ASSERT_STATUS(sdk::StatusCode::ok, other.transport->send("relay-a@net", "before"));
        CPPUNIT_ASSERT(relay.listener->waitForReachability("client-a@relay-a.net", true, kWait));

        replaceFile(crl, contentOf(certs().crlClientARevoked()));

        CPPUNIT_ASSERT(relay.listener->waitForReachability("client-a@relay-a.net", false, kWait));
        ASSERT_LOGGED(Poco::Message::PRIO_NOTICE, "crl:", "changed", "1 revoked certificate(s)");
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused the connection with client-a@relay-a.net", "its certificate",
                      "CN=client-a@relay-a.net", "is revoked");
        // It stays out (every redial is refused in the handshake), and the others stay in.
        ASSERT_STATUS(sdk::StatusCode::unreachable, revoked.transport->send("relay-a@net", "after"));
        ASSERT_STATUS(sdk::StatusCode::ok, other.transport->send("relay-a@net", "after"));
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::reachable, relay.transport->reachability("client-c@relay-a.net"));
        CPPUNIT_ASSERT_EQUAL(sdk::Reachability::unreachable, relay.transport->reachability("client-a@relay-a.net"));
    }

    void aBadNewVersionKeepsTheLastGoodList() {
        const std::uint16_t port = freePort();
        const std::string crl = ownCopyOf(certs().crlClientARevoked());
        startNode("relay-a@net", withCrl("relay-a@net", crl), port);

        replaceFile(crl, "-----BEGIN X509 CRL-----\nnot base64 at all\n-----END X509 CRL-----\n");
        Node& revoked = startNode("client-a@relay-a.net", tlsConfig("client-a@relay-a.net"), 0,
                                  {peerAt("relay-a@net", port)});
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "crl: the new", "cannot be used", "previous list stays in force");
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused the connection", "revoked", "CN=client-a@relay-a.net");
        ASSERT_STATUS(sdk::StatusCode::unreachable, revoked.transport->send("relay-a@net", "let me in"));

        fs::remove(crl);  // gone: the same
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "crl: the new", "cannot be read", "previous list stays in force");
        ASSERT_STATUS(sdk::StatusCode::unreachable, revoked.transport->send("relay-a@net", "let me in"));
    }

    // OpenSSL alone would refuse every peer once the list is past its next update; it is the
    // operator's own file, so it still counts, with a warning.
    void anOverdueListStillApplies() {
        const std::uint16_t port = freePort();
        Node& relay = startNode("relay-a@net", withCrl("relay-a@net", overdueList(certs().certificate("client-a@relay-a.net"))),
                                port);
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "crl: the list of CN=relaysync CA ca was due to be renewed");
        Node& revoked = startNode("client-a@relay-a.net", tlsConfig("client-a@relay-a.net"), 0,
                                  {peerAt("relay-a@net", port)});
        Node& other = startNode("client-c@relay-a.net", siteMadeConfig("client-c@relay-a.net"), 0,
                                {peerAt("relay-a@net", port)});
        ASSERT_STATUS(sdk::StatusCode::ok, other.transport->send("relay-a@net", "still welcome"));
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "refused the connection", "revoked", "CN=client-a@relay-a.net");
        ASSERT_STATUS(sdk::StatusCode::unreachable, revoked.transport->send("relay-a@net", "let me in"));
        CPPUNIT_ASSERT(relay.listener->waitForMessages(1, kWait));
    }

    void anUnusableListIsAnErrorAtStart() {
        const auto missing = (certs().scratch() / "no-such-crl.pem").string();
        expectRefusedAtStart(withCrl("relay-a@net", missing), "crl", missing + " does not exist");

        const auto garbage = certs().scratch() / "garbage-crl.pem";
        std::ofstream(garbage) << "this is not a revocation list\n";
        expectRefusedAtStart(withCrl("relay-a@net", garbage.string()), "crl", "holds no PEM revocation list");

        const auto damaged = certs().scratch() / "damaged-crl.pem";
        const std::string good = contentOf(certs().crlClientARevoked());
        std::ofstream(damaged) << good.substr(0, good.size() / 2) << "\n-----END X509 CRL-----\n";
        expectRefusedAtStart(withCrl("relay-a@net", damaged.string()), "crl", "damaged PEM block");

        expectRefusedAtStart(withCrl("relay-a@net", certs().rogueCrl()), "crl", "is not from a CA in " + certs().ca());
    }

    void aNodeWhoseOwnCertificateIsRevokedDoesNotStart() {
        expectRefusedAtStart(withCrl("client-a@relay-a.net", certs().crlClientARevoked()), "certificate",
                             "is revoked by the list in " + certs().crlClientARevoked());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RevocationTest);

}  // namespace relaysync::tests
