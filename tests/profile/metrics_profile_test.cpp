// The profile's `metrics:` section: off when absent, loopback plain HTTP by default, TLS keys in
// pairs, a non-loopback listen without TLS refused unless explicitly allowed, unknown keys
// refused like everywhere else.
#include <cppunit/extensions/HelperMacros.h>

#include "profile/profile_loader.h"
#include "profile_test_support.h"

namespace relaysync::core::test {

class MetricsProfileTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MetricsProfileTest);
    CPPUNIT_TEST(absentSectionMeansNoEndpoint);
    CPPUNIT_TEST(readsListenAndLimits);
    CPPUNIT_TEST(readsTlsAndIpv6);
    CPPUNIT_TEST(remotePlaintextNeedsExplicitConsent);
    CPPUNIT_TEST(badSectionsAreRefused);
    CPPUNIT_TEST(loopbackHosts);
    CPPUNIT_TEST_SUITE_END();

public:
    void absentSectionMeansNoEndpoint() {
        const Profile p = parse("");
        CPPUNIT_ASSERT(p.metrics.listen.empty());
    }

    void readsListenAndLimits() {
        const Profile p = parse("metrics:\n  listen: 127.0.0.1:9464\n  read_timeout_ms: 2000\n  max_connections: 4\n");
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), p.metrics.host);
        CPPUNIT_ASSERT_EQUAL(9464u, p.metrics.port);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2000}, p.metrics.read_timeout_ms);
        CPPUNIT_ASSERT_EQUAL(std::size_t{4}, p.metrics.max_connections);
        CPPUNIT_ASSERT_EQUAL(std::size_t{8 * 1024}, p.metrics.max_request_bytes);
        CPPUNIT_ASSERT(p.metrics.certificate.empty());
    }

    void readsTlsAndIpv6() {
        const Profile p = parse("metrics: {listen: \"[::1]:9464\", certificate: /etc/r/m.pem, private_key: /etc/r/m.key, "
                                "ca: /etc/r/ca.pem}\n");
        CPPUNIT_ASSERT_EQUAL(std::string("::1"), p.metrics.host);
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/r/ca.pem"), p.metrics.ca);
        const Profile remote = parse("metrics: {listen: \"0.0.0.0:9464\", certificate: m.pem, private_key: m.key}\n");
        CPPUNIT_ASSERT_EQUAL(std::string("0.0.0.0"), remote.metrics.host);
    }

    void remotePlaintextNeedsExplicitConsent() {
        refused("metrics: {listen: \"0.0.0.0:9464\"}\n", "without TLS");
        refused("metrics: {listen: \"192.168.1.5:9464\"}\n", "allow_plaintext_remote: true");
        const Profile p = parse("metrics: {listen: \"0.0.0.0:9464\", allow_plaintext_remote: true}\n");
        CPPUNIT_ASSERT(p.metrics.allow_plaintext_remote);
    }

    void badSectionsAreRefused() {
        refused("metrics: {listen: 127.0.0.1:9464, port: 1}\n", "port");
        refused("metrics: {certificate: m.pem}\n", "listen");
        refused("metrics: {listen: 127.0.0.1}\n", "expected 'host:port'");
        refused("metrics: {listen: \"::1:9464\"}\n", "expected 'host:port'");
        refused("metrics: {listen: 127.0.0.1:70000}\n", "between 1 and 65535");
        refused("metrics: {listen: 127.0.0.1:9464, certificate: m.pem}\n", "go together");
        refused("metrics: {listen: 127.0.0.1:9464, ca: ca.pem}\n", "needs certificate");
        refused("metrics: {listen: 127.0.0.1:9464, max_connections: 1}\n", "between 2 and 1024");
    }

    void loopbackHosts() {
        for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost"})
            CPPUNIT_ASSERT_MESSAGE(host, isLoopbackHost(host));
        for (const char* host : {"0.0.0.0", "127.0.0", "127.0.0.1.5", "127.0.0.256", "128.0.0.1", "::", "example.org"})
            CPPUNIT_ASSERT_MESSAGE(host, !isLoopbackHost(host));
    }

private:
    static Profile parse(const std::string& extra) {
        return parseProfile(kRelay + extra, "relay9.yaml", fakeEnvironment({}));
    }

    static void refused(const std::string& extra, const std::string& expected) {
        try {
            parse(extra);
        } catch (const std::exception& e) {
            RS_ASSERT_CONTAINS(std::string(e.what()), expected);
            return;
        }
        CPPUNIT_FAIL("taken: " + extra);
    }

    static inline const std::string kRelay = R"(relaysync: 1
node: {role: relay, account: relay-server9@net}
database: sqlite:relay9.db
transport: {plugin: direct}
)";
};

CPPUNIT_TEST_SUITE_REGISTRATION(MetricsProfileTest);

}  // namespace relaysync::core::test
