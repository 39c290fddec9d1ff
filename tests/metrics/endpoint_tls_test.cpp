// The /metrics endpoint over TLS (profile metrics.certificate / private_key / ca,
// docs/metrics.md): a scraper that trusts the CA gets the page; plain HTTP to the TLS port gets
// nothing; with a client CA, only a client certificate it signed is served, and a client with no
// certificate, or one from another CA, is cut off at the handshake.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>

#include "metrics/metrics_endpoint.h"

namespace relaysync::metrics::test {

namespace fs = std::filesystem;

namespace {

std::string page() { return "# HELP relaysync_x X.\n# TYPE relaysync_x gauge\nrelaysync_x 1\n"; }

void run(const std::string& command) {
    if (std::system((command + " >/dev/null 2>&1").c_str()) != 0)
        throw std::runtime_error("certificate set-up failed: " + command);
}

// A CA, a server certificate for 127.0.0.1 signed by it, a client certificate signed by it, and
// a client certificate signed by a stranger CA, made with the openssl command in a temp folder.
class Certificates {
public:
    Certificates() : dir_(fs::temp_directory_path() / ("relaysync-metrics-tls-" + std::to_string(std::random_device{}()))) {
        fs::create_directories(dir_);
        std::ofstream(path("server.ext")) << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
        std::ofstream(path("client.ext")) << "extendedKeyUsage=clientAuth\n";
        for (const char* ca : {"ca", "stranger"}) makeCa(ca);
        sign("server", "ca", "server.ext");
        sign("client", "ca", "client.ext");
        sign("intruder", "stranger", "client.ext");
    }
    ~Certificates() {
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }
    Certificates(const Certificates&) = delete;
    Certificates& operator=(const Certificates&) = delete;

    std::string path(const std::string& file) const { return (dir_ / file).string(); }

private:
    static constexpr const char* kKey = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

    void makeCa(const std::string& name) {
        run("openssl req -x509 " + std::string(kKey) + " -days 2 -subj /CN=" + name + " -keyout " + path(name + ".key") +
            " -out " + path(name + ".pem"));
    }
    void sign(const std::string& name, const std::string& ca, const std::string& extensions) {
        run("openssl req " + std::string(kKey) + " -subj /CN=" + name + " -keyout " + path(name + ".key") + " -out " +
            path(name + ".csr"));
        run("openssl x509 -req -days 2 -in " + path(name + ".csr") + " -CA " + path(ca + ".pem") + " -CAkey " +
            path(ca + ".key") + " -CAcreateserial -extfile " + path(extensions) + " -out " + path(name + ".pem"));
    }

    fs::path dir_;
};

}  // namespace

class EndpointTlsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EndpointTlsTest);
    CPPUNIT_TEST(scraperThatTrustsTheCaGetsThePage);
    CPPUNIT_TEST(plainHttpToTheTlsPortGetsNoPage);
    CPPUNIT_TEST(withAClientCaOnlyItsClientsAreServed);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        Poco::Net::initializeSSL();
        certificates_ = std::make_unique<Certificates>();
    }
    void tearDown() override {
        endpoint_.reset();
        certificates_.reset();
        Poco::Net::uninitializeSSL();
    }

    void scraperThatTrustsTheCaGetsThePage() {
        start(false);
        const auto [status, body] = scrape(clientContext(""));
        CPPUNIT_ASSERT_EQUAL(200, status);
        CPPUNIT_ASSERT_EQUAL(page(), body);
    }

    void plainHttpToTheTlsPortGetsNoPage() {
        start(false);
        std::string body;
        try {
            Poco::Net::HTTPClientSession session("127.0.0.1", endpoint_->port());
            session.setTimeout(Poco::Timespan(10, 0));
            Poco::Net::HTTPRequest request("GET", "/metrics", Poco::Net::HTTPMessage::HTTP_1_1);
            session.sendRequest(request);
            Poco::Net::HTTPResponse response;
            Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
        } catch (const Poco::Exception&) {
            // Cut off: what a plain client should get.
        }
        CPPUNIT_ASSERT(body.find("relaysync_x") == std::string::npos);
        // And the endpoint still serves a proper scraper afterwards.
        CPPUNIT_ASSERT_EQUAL(200, scrape(clientContext("")).first);
    }

    void withAClientCaOnlyItsClientsAreServed() {
        start(true);
        const auto [status, body] = scrape(clientContext("client"));
        CPPUNIT_ASSERT_EQUAL(200, status);
        CPPUNIT_ASSERT_EQUAL(page(), body);
        for (const std::string refused : {"", "intruder"}) {
            bool cut = false;
            try {
                scrape(clientContext(refused));
            } catch (const Poco::Exception&) {
                cut = true;
            }
            CPPUNIT_ASSERT_MESSAGE("a client with " + (refused.empty() ? std::string("no certificate") : refused) +
                                       " is cut off",
                                   cut);
        }
        CPPUNIT_ASSERT_EQUAL(200, scrape(clientContext("client")).first);
    }

private:
    void start(bool require_client_certificate) {
        EndpointSettings settings;
        settings.port = 0;
        settings.certificate = certificates_->path("server.pem");
        settings.private_key = certificates_->path("server.key");
        if (require_client_certificate) settings.ca = certificates_->path("ca.pem");
        endpoint_ = std::make_unique<MetricsEndpoint>(settings, [] { return page(); });
        endpoint_->start();
    }

    // A scraper that verifies the server against the CA; `client` names its own certificate.
    Poco::Net::Context::Ptr clientContext(const std::string& client) const {
        Poco::Net::Context::Params params;
        params.caLocation = certificates_->path("ca.pem");
        params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
        params.loadDefaultCAs = false;
        if (!client.empty()) {
            params.certificateFile = certificates_->path(client + ".pem");
            params.privateKeyFile = certificates_->path(client + ".key");
        }
        return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    }

    std::pair<int, std::string> scrape(const Poco::Net::Context::Ptr& context) {
        Poco::Net::HTTPSClientSession session("127.0.0.1", endpoint_->port(), context);
        session.setTimeout(Poco::Timespan(10, 0));
        Poco::Net::HTTPRequest request("GET", "/metrics", Poco::Net::HTTPMessage::HTTP_1_1);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::string body;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
        return {static_cast<int>(response.getStatus()), body};
    }

    std::unique_ptr<Certificates> certificates_;
    std::unique_ptr<MetricsEndpoint> endpoint_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(EndpointTlsTest);

}  // namespace relaysync::metrics::test
