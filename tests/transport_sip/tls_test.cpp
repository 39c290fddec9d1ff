// transport: tls. Relays connect to Kamailio's TLS listener (certificates from
// scripts/make-certs.sh), check its certificate against the configured CA, and do everything as
// over TCP; a server whose certificate another CA signed, or that carries another name, is
// refused at start().

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "sip_fixture.h"
#include "tcp_link.h"
#include "tls_client.h"

namespace relaysync::tests {

namespace {

// The project's test CA with a server certificate (CN sip-server@net, subjectAltName
// IP:127.0.0.1 and DNS:localhost) and a relay's client certificate, and an unrelated CA with a
// server certificate of the same name: made once per test process, removed at its end.
class Certificates {
public:
    Certificates() {
        char dir[] = "/tmp/relaysync-sip-certs-XXXXXX";
        if (!::mkdtemp(dir)) throw std::runtime_error("cannot make a folder for certificates");
        dir_ = dir;
        make("'" + dir_ + "/good' relay:sip-server@net relay:relay-server1@net");
        make("--ca-name rogue-ca '" + dir_ + "/rogue' relay:sip-server@net");
    }
    ~Certificates() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    std::string good(const std::string& file) const { return dir_ + "/good/" + file; }
    std::string rogue(const std::string& file) const { return dir_ + "/rogue/" + file; }

private:
    static void make(const std::string& arguments) {
        const std::string command = std::string(RELAYSYNC_MAKE_CERTS_SCRIPT) + " " + arguments + " >/dev/null";
        if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
    }
    std::string dir_;
};

const Certificates& certificates() {
    static const Certificates made;
    return made;
}

bool logged(const SipLog& log, const std::string& text) {
    for (const auto& line : log.lines())
        if (line.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

class SipTlsTest : public SipFixture {
    CPPUNIT_TEST_SUITE(SipTlsTest);
    CPPUNIT_TEST(testMessageEachWayOverTls);
    CPPUNIT_TEST(testServerCertificateFromAnotherCaIsRefused);
    CPPUNIT_TEST(testServerCertificateForAnotherNameIsRefused);
    CPPUNIT_TEST(testClientCertificateIsAccepted);
    CPPUNIT_TEST(testServerRequiringClientCertificates);
    CPPUNIT_TEST(testReregistersOverTlsAfterKamailioRestart);
    CPPUNIT_TEST(testTlsSettingsAreChecked);
    CPPUNIT_TEST(testTlsToThePlainPortIsUnreachableWithAClearReason);
    CPPUNIT_TEST(testWritingToAClosedTlsConnectionFailsWithoutSigpipe);
    CPPUNIT_TEST(testTerminalsRegisterAtTheirRelayOverTls);
    CPPUNIT_TEST_SUITE_END();

public:
    void prepareServer(KamailioServer& kamailio) override {
        kamailio.enableTls(certificates().good("sip-server@net.pem"), certificates().good("sip-server@net.key"));
    }

    void testMessageEachWayOverTls() {
        Node& a = startTlsNode(kRelay1);
        Node& b = startTlsNode(kRelay2);
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, a.transport->send(kRelay2, R"({"over":"tls"})").code());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), b.listener->messages().size());
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"over":"tls"})"), b.listener->messages().front().payload);
        CPPUNIT_ASSERT_EQUAL(kRelay1, b.listener->messages().front().identity.account);
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, b.transport->send(kRelay1, "back over tls").code());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), a.listener->messages().size());
        CPPUNIT_ASSERT_EQUAL(std::string("back over tls"), a.listener->messages().front().payload);
        CPPUNIT_ASSERT_EQUAL(kRelay2, a.listener->messages().front().from);
        // Both connections were TLS, to the TLS port, with the certificate checked.
        CPPUNIT_ASSERT_MESSAGE(log->text(), logged(*log, "connected to the SIP server " + server->tlsAddress()));
        CPPUNIT_ASSERT_MESSAGE(log->text(), logged(*log, "over TLSv1.3, its certificate checked for 127.0.0.1"));
        CPPUNIT_ASSERT_MESSAGE(log->text(), logged(*log, "registered " + kRelay1) && logged(*log, "registered " + kRelay2));
        // The largest payload passes the TLS listener too.
        const std::string largest(a.transport->maxPayloadBytes(), 'z');
        const sdk::Status sent = a.transport->send(kRelay2, largest);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(sent.toString() + "\n" + server->log(), sdk::StatusCode::ok, sent.code());
        CPPUNIT_ASSERT_EQUAL(largest, b.listener->messages().back().payload);
    }

    // The relay's LAN side over TLS with its own certificate; the terminal checks it against the
    // CA, and one that trusts another CA does not register.
    void testTerminalsRegisterAtTheirRelayOverTls() {
        const std::string terminal = "client11@relay-server1.net";
        const std::string accounts = certificates().good("terminals");
        std::ofstream(accounts) << terminal << " pw11\n";
        ::chmod(accounts.c_str(), 0600);
        auto relay_config = tlsConfigFor(kRelay1);
        relay_config["lan_listen"] = lanAddress();
        relay_config["lan_transport"] = "tls";
        relay_config["lan_certificate"] = certificates().good("relay-server1@net.pem");
        relay_config["lan_private_key"] = certificates().good("relay-server1@net.key");
        relay_config["terminal_accounts_file"] = accounts;
        Node& relay = startNodeWith(kRelay1, relay_config);
        sdk::PluginConfig terminal_config{{"server", lanAddress()}, {"transport", "tls"}, {"ca", certificates().good("ca.pem")},
                                          {"password", "pw11"}, {"relay_accounts", kRelay1},
                                          {"transaction_timeout_ms", "5000"}, {"reconnect_max_ms", "300"}};
        Node& client = startNodeWith(terminal, terminal_config);
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, client.transport->send(kRelay1, "up over tls").code());
        CPPUNIT_ASSERT(relay.listener->waitForMessages(1, kWait));
        CPPUNIT_ASSERT(relay.listener->messages().front().identity.role == sdk::PeerRole::terminal);
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, relay.transport->send(terminal, "down over tls").code());
        CPPUNIT_ASSERT(client.listener->waitForMessages(1, kWait));
        CPPUNIT_ASSERT_MESSAGE(log->text(), logged(*log, "registrar of the terminals of " + kRelay1 + " listening on " + lanAddress() + " over TLS"));

        auto distrustful = terminal_config;
        distrustful["ca"] = certificates().rogue("rogue-ca.pem");
        const sdk::Status refused = startRefused(distrustful, terminal);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(refused.toString(), sdk::StatusCode::permission_denied, refused.code());
    }

    void testServerCertificateFromAnotherCaIsRefused() {
        server->stop();
        useServerCertificate(certificates().rogue("sip-server@net.pem"), certificates().rogue("sip-server@net.key"));
        const sdk::Status started = startRefused(tlsConfigFor(kRelay1));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(started.toString(), sdk::StatusCode::permission_denied, started.code());
        const std::string expected = "refused the SIP server " + server->tlsAddress() +
                                     ": its TLS certificate was refused: unable to get local issuer certificate";
        CPPUNIT_ASSERT_MESSAGE(started.toString(), started.message().find(expected) != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(log->text(), logged(*log, expected));
        CPPUNIT_ASSERT_MESSAGE(log->text(), logged(*log, "checked against the CA file " + certificates().good("ca.pem")));
        CPPUNIT_ASSERT_MESSAGE(log->text(), !logged(*log, "registered " + kRelay1));
    }

    void testServerCertificateForAnotherNameIsRefused() {
        auto config = tlsConfigFor(kRelay1);
        config["tls_server_name"] = "sip.example.net";
        const sdk::Status started = startRefused(config);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(started.toString(), sdk::StatusCode::permission_denied, started.code());
        CPPUNIT_ASSERT_MESSAGE(started.toString(), started.message().find("its TLS certificate was refused: hostname mismatch") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(log->text(), logged(*log, "for the name sip.example.net"));

        // The name the certificate does carry is fine.
        auto named = tlsConfigFor(kRelay1);
        named["tls_server_name"] = "localhost";
        Node& a = startNodeWith(kRelay1, named);
        Node& b = startTlsNode(kRelay2);
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, a.transport->send(b.account, "by name").code());
    }

    void testClientCertificateIsAccepted() {
        auto config = tlsConfigFor(kRelay1);
        config["certificate"] = certificates().good("relay-server1@net.pem");
        config["private_key"] = certificates().good("relay-server1@net.key");
        Node& a = startNodeWith(kRelay1, config);
        Node& b = startTlsNode(kRelay2);
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, b.transport->send(a.account, "to a").code());
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, a.transport->send(b.account, "to b").code());
    }

    // A Kamailio that requires relays' certificates (kamailio.sh tls ... CLIENT_CA): a relay with
    // one registers and exchanges messages; one without does not get past the handshake.
    void testServerRequiringClientCertificates() {
        server->stop();
        server->enableTls(certificates().good("sip-server@net.pem"), certificates().good("sip-server@net.key"),
                          certificates().good("ca.pem"));
        server->start();
        auto config = tlsConfigFor(kRelay1);
        config["certificate"] = certificates().good("relay-server1@net.pem");
        config["private_key"] = certificates().good("relay-server1@net.key");
        Node& a = startNodeWith(kRelay1, config);
        std::string error;
        auto without = create(tlsConfigFor(kRelay2), &error);
        RecordingListener listener;
        CPPUNIT_ASSERT(without->start(kRelay2, listener).isOk());  // the server is only unreachable
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::unreachable, without->send(kRelay1, "no certificate").code());
        CPPUNIT_ASSERT_MESSAGE(log->text(), !logged(*log, "registered " + kRelay2));
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::unreachable, a.transport->send(kRelay2, "to nobody").code());
    }

    void testReregistersOverTlsAfterKamailioRestart() {
        Node& a = startTlsNode(kRelay1);
        Node& b = startTlsNode(kRelay2);
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::ok, a.transport->send(kRelay2, "before").code());
        server->stop();
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::unreachable, a.transport->send(kRelay2, "while down").code());
        server->start();
        CPPUNIT_ASSERT_MESSAGE(log->text(), deliveredEventually(a, b, "after", kWait));
        CPPUNIT_ASSERT_MESSAGE(log->text(), deliveredEventually(b, a, "after, back", kWait));
    }

    void testTlsSettingsAreChecked() {
        const auto refusal = [&](const sdk::PluginConfig& config) {
            std::string error;
            auto transport = create(config, &error);
            CPPUNIT_ASSERT_MESSAGE("accepted a bad config", transport == nullptr);
            return error;
        };
        const auto contains = [](const std::string& text, const std::string& part) {
            return text.find(part) != std::string::npos;
        };
        auto config = tlsConfigFor(kRelay1);
        config.erase("ca");
        std::string error = refusal(config);
        CPPUNIT_ASSERT_MESSAGE(error, contains(error, "ca: required with transport: tls"));

        config = tlsConfigFor(kRelay1);
        config["ca"] = "/nonexistent/ca.pem";
        error = refusal(config);
        CPPUNIT_ASSERT_MESSAGE(error, contains(error, "ca: cannot read /nonexistent/ca.pem"));

        config = tlsConfigFor(kRelay1);
        config["ca"] = certificates().good("relay-server1@net.key");  // a key, not a certificate
        error = refusal(config);
        CPPUNIT_ASSERT_MESSAGE(error, contains(error, "ca: ") && contains(error, "no usable PEM certificate"));

        config = tlsConfigFor(kRelay1);
        config["certificate"] = certificates().good("relay-server1@net.pem");
        error = refusal(config);
        CPPUNIT_ASSERT_MESSAGE(error, contains(error, "certificate and private_key go together"));
        config["private_key"] = certificates().rogue("sip-server@net.key");
        error = refusal(config);
        CPPUNIT_ASSERT_MESSAGE(error, contains(error, "private_key: ") &&
                                          contains(error, "is not the key of " + certificates().good("relay-server1@net.pem")));

        config = configFor(kRelay1);  // tcp
        config["ca"] = certificates().good("ca.pem");
        error = refusal(config);
        CPPUNIT_ASSERT_MESSAGE(error, contains(error, "ca: only used with transport: tls"));

        config = configFor(kRelay1);
        config["transport"] = "udp";
        error = refusal(config);
        CPPUNIT_ASSERT_MESSAGE(error, contains(error, "transport: 'udp' is neither tcp nor tls"));
    }

    // A wrong port is not a refused server: start() succeeds and the relay keeps trying.
    void testTlsToThePlainPortIsUnreachableWithAClearReason() {
        auto config = tlsConfigFor(kRelay1);
        config["server"] = server->address();  // Kamailio's TCP port
        config["connect_timeout_ms"] = "1000";
        std::string error;
        auto transport = create(config, &error);
        CPPUNIT_ASSERT_MESSAGE(error, transport != nullptr);
        RecordingListener listener;
        const sdk::Status started = transport->start(kRelay1, listener);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(started.toString(), sdk::StatusCode::ok, started.code());
        CPPUNIT_ASSERT_MESSAGE(log->text(), logged(*log, "cannot connect to the SIP server " + server->address() +
                                                             ": no TLS handshake within 1000 ms (is it a TLS port?)"));
        CPPUNIT_ASSERT_MESSAGE(log->text(), !logged(*log, "registered " + kRelay1));
        transport->stop();
    }

    // OpenSSL writes with write(), which raises SIGPIPE on a connection that is shut down; the
    // link must turn that into a failed write, whatever thread writes (here one where SIGPIPE
    // has its default action: ending the process).
    void testWritingToAClosedTlsConnectionFailsWithoutSigpipe() {
        // The test main blocks SIGPIPE; a relaysync thread that calls send() may not.
        struct SigpipeUnblocked {
            sigset_t saved;
            SigpipeUnblocked() {
                sigset_t pipe;
                sigemptyset(&pipe);
                sigaddset(&pipe, SIGPIPE);
                pthread_sigmask(SIG_UNBLOCK, &pipe, &saved);
            }
            ~SigpipeUnblocked() { pthread_sigmask(SIG_SETMASK, &saved, nullptr); }
        } unblocked;
        transport_sip::SipConfig config;
        config.tls = true;
        config.ca_file = certificates().good("ca.pem");
        config.tls_server_name = "127.0.0.1";
        const transport_sip::TlsClient tls(config);
        transport_sip::ConnectFailure failure;
        // A link the session shut down while a delivery thread still answers on it: the write
        // meets EPIPE.
        auto shut = transport_sip::TcpLink::connect("127.0.0.1", server->tlsPort(), milliseconds(3000), &tls, &failure);
        CPPUNIT_ASSERT_MESSAGE(failure.text, shut != nullptr);
        shut->shutdown();
        CPPUNIT_ASSERT(!shut->write("a late answer", milliseconds(100)));

        // The server goes away under a link.
        auto link = transport_sip::TcpLink::connect("127.0.0.1", server->tlsPort(), milliseconds(3000), &tls, &failure);
        CPPUNIT_ASSERT_MESSAGE(failure.text, link != nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("TLSv1.3"), link->tlsVersion());
        CPPUNIT_ASSERT(link->write("\r\n\r\n", milliseconds(1000)));
        server->stop();  // closes the connection
        bool failed = false;
        for (int i = 0; i < 50 && !failed; ++i) {
            failed = !link->write(std::string(1000, 'x'), milliseconds(1000));
            std::this_thread::sleep_for(milliseconds(20));
        }
        CPPUNIT_ASSERT(failed);
        for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT(!link->write("late", milliseconds(100)));
        CPPUNIT_ASSERT_EQUAL(-1L, [&] {
            char buffer[64];
            return link->read(buffer, sizeof buffer, milliseconds(100));
        }());
    }

private:
    void useServerCertificate(const std::string& certificate, const std::string& key) {
        server->enableTls(certificate, key);
        server->start();
    }

    sdk::PluginConfig tlsConfigFor(const std::string& account) const {
        auto config = configFor(account);
        config["server"] = server->tlsAddress();
        config["transport"] = "tls";
        config["ca"] = certificates().good("ca.pem");
        return config;
    }

    Node& startTlsNode(const std::string& account) { return startNodeWith(account, tlsConfigFor(account)); }

    sdk::Status startRefused(const sdk::PluginConfig& config, const std::string& account = kRelay1) {
        std::string error;
        auto transport = create(config, &error);
        CPPUNIT_ASSERT_MESSAGE("the plugin refused the config: " + error, transport != nullptr);
        RecordingListener listener;
        return transport->start(account, listener);
    }

    // 127.0.0.1 and a port that was free, the same for the whole test.
    const std::string& lanAddress() {
        if (lan_address_.empty()) lan_address_ = "127.0.0.1:" + std::to_string(ports::reserveLoopbackPort());
        return lan_address_;
    }
    std::string lan_address_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SipTlsTest);

}  // namespace relaysync::tests
