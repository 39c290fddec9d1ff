// The plugin's descriptor and key table, and what it says about bad settings: every error names
// the key at fault, and never shows what is inside a key file.

#include <cstring>
#include <fstream>

#include "direct_fixture.h"

namespace relaysync::tests {

class ConfigTest : public DirectFixture {
    CPPUNIT_TEST_SUITE(ConfigTest);
    CPPUNIT_TEST(descriptorDeclaresEveryKeyWithItsDefault);
    CPPUNIT_TEST(badValuesAreRefusedNamingTheKey);
    CPPUNIT_TEST(badLimitsAreRefusedNamingTheKey);
    CPPUNIT_TEST(limitsWithinRangeAreAccepted);
    CPPUNIT_TEST(unusableKeyFilesAreRefusedWithoutShowingThem);
    CPPUNIT_TEST(startRefusesAnAccountThatIsNotTheCertificates);
    CPPUNIT_TEST(startReportsAPortInUse);
    CPPUNIT_TEST_SUITE_END();

    // Asserts that `config` is refused with a message that starts with `key`.
    void expectRefused(const sdk::PluginConfig& config, const std::string& key, const std::string& about) {
        std::string error;
        const TransportPtr made = create(config, &error);
        CPPUNIT_ASSERT_MESSAGE(about + ": accepted", made == nullptr);
        CPPUNIT_ASSERT_MESSAGE(about + ": the error does not start with the key " + key + ": " + error,
                               error.rfind(key + ":", 0) == 0);
    }

    void expectRefused(const std::string& key, const std::string& value, const std::string& named_key) {
        auto config = tlsConfig("relay-a@net");
        config[key] = value;
        expectRefused(config, named_key, key + "='" + value + "'");
    }

    std::string writeScratch(const std::string& name, const std::string& content) {
        const auto path = certs().scratch() / name;
        std::ofstream(path) << content;
        return path.string();
    }

public:
    void descriptorDeclaresEveryKeyWithItsDefault() {
        const auto& descriptor = PluginLibrary::get().descriptor();
        CPPUNIT_ASSERT_EQUAL(std::string("direct"), std::string(descriptor.name));
        CPPUNIT_ASSERT(descriptor.kind == sdk::PluginKind::transport);
        const std::map<std::string, std::string> expected = {
            {"listen", ""},
            {"peers", ""},
            {"certificate", ""},
            {"private_key", ""},
            {"ca", ""},
            {"crl", ""},
            {"plaintext", "false"},
            {"max_frame_bytes", "8388608"},
            {"connect_timeout_ms", "3000"},
            {"ack_timeout_ms", "10000"},
            {"keepalive_ms", "10000"},
            {"frame_timeout_ms", "60000"},
            {"reconnect_initial_ms", "200"},
            {"reconnect_max_ms", "5000"},
            {"max_handshakes", "128"},
            {"max_handshakes_per_address", "16"},
            {"max_connections", "256"},
            {"max_connections_per_account", "2"},
            {"max_buffered_bytes", "67108864"},
            {"delivery_threads", "4"},
            {"warnings_per_source", "20"},
            {"warnings_window_ms", "60000"},
        };
        std::map<std::string, std::string> declared;
        for (std::size_t i = 0; i < descriptor.config_key_count; ++i) {
            const auto& key = descriptor.config_keys[i];
            CPPUNIT_ASSERT_MESSAGE(std::string(key.name) + " has no description",
                                   key.description && std::strlen(key.description) > 10);
            CPPUNIT_ASSERT_MESSAGE(std::string(key.name) + " has no default", key.default_value != nullptr);
            declared[key.name] = key.default_value;
        }
        CPPUNIT_ASSERT(expected == declared);
    }

    void badValuesAreRefusedNamingTheKey() {
        const std::vector<std::tuple<std::string, std::string>> numbers = {
            {"max_frame_bytes", "abc"},  {"max_frame_bytes", "12x"},      {"max_frame_bytes", "-1"},
            {"max_frame_bytes", "0"},    {"max_frame_bytes", "99999999999999999999999"},
            {"ack_timeout_ms", ""},      {"ack_timeout_ms", "10s"},       {"connect_timeout_ms", "0"},
            {"keepalive_ms", "5"},       {"reconnect_initial_ms", "soon"}, {"reconnect_max_ms", "1.5"},
            {"frame_timeout_ms", "99"},  {"frame_timeout_ms", "1m"},
        };
        for (const auto& [key, value] : numbers) expectRefused(key, value, key);

        for (const std::string listen : {"nonsense", "127.0.0.1", "127.0.0.1:99999", "127.0.0.1:0", ":7443",
                                         "127.0.0.1:port", "::1:7443", "[::1:7443"})
            expectRefused("listen", listen, "listen");

        for (const std::string peers : {"relay-b@net", "relay-b@net=127.0.0.1", "=127.0.0.1:7443",
                                        "relay-b@net=127.0.0.1:1,relay-b@net=127.0.0.1:2", "relay-b@net=127.0.0.1:1,",
                                        "relay-b@net=127.0.0.1:70000"})
            expectRefused("peers", peers, "peers");

        expectRefused("plaintext", "yes", "plaintext");
        expectRefused("listen_port", "7443", "listen_port");  // not a key of this plugin

        auto config = tlsConfig("relay-a@net");
        config["reconnect_initial_ms"] = "2000";
        config["reconnect_max_ms"] = "1000";
        expectRefused(config, "reconnect_max_ms", "reconnect_max_ms below reconnect_initial_ms");
    }

    void badLimitsAreRefusedNamingTheKey() {
        const std::vector<std::tuple<std::string, std::string>> values = {
            {"max_handshakes", "0"},
            {"max_handshakes", "many"},
            {"max_handshakes", "65537"},
            {"max_handshakes_per_address", "0"},
            {"max_handshakes_per_address", "-4"},
            {"max_connections", "0"},
            {"max_connections", "1000001"},
            {"max_connections_per_account", "0"},
            {"max_connections_per_account", "65"},
            {"max_buffered_bytes", "1k"},
            {"max_buffered_bytes", "1023"},
            {"delivery_threads", "0"},
            {"delivery_threads", "65"},
            {"delivery_threads", "four"},
            {"warnings_per_source", "0"},
            {"warnings_window_ms", "99"},
            {"warnings_window_ms", "1m"},
        };
        for (const auto& [key, value] : values) expectRefused(key, value, key);

        auto config = tlsConfig("relay-a@net");
        config["max_handshakes"] = "8";
        config["max_handshakes_per_address"] = "9";
        expectRefused(config, "max_handshakes_per_address", "more per address than in total");

        config = tlsConfig("relay-a@net");
        config["max_frame_bytes"] = "1048576";
        config["max_buffered_bytes"] = "1048575";
        expectRefused(config, "max_buffered_bytes", "a budget smaller than one frame");
        // The default budget (64 MiB) cannot hold the largest frame allowed: say so.
        config.erase("max_buffered_bytes");
        config["max_frame_bytes"] = "134217728";
        expectRefused(config, "max_buffered_bytes", "the default budget below max_frame_bytes");
    }

    void limitsWithinRangeAreAccepted() {
        auto config = tlsConfig("relay-a@net");
        config["max_handshakes"] = "1";
        config["max_handshakes_per_address"] = "1";
        config["max_connections"] = "1";
        config["max_connections_per_account"] = "1";
        config["max_frame_bytes"] = "1048576";
        config["max_buffered_bytes"] = "1048576";
        config["warnings_per_source"] = "1";
        config["warnings_window_ms"] = "100";
        config["delivery_threads"] = "1";
        config["frame_timeout_ms"] = "100";
        std::string error;
        CPPUNIT_ASSERT_MESSAGE(error, create(config, &error) != nullptr);
    }

    void unusableKeyFilesAreRefusedWithoutShowingThem() {
        for (const std::string key : {"certificate", "private_key", "ca"}) {
            auto config = tlsConfig("relay-a@net");
            config.erase(key);
            expectRefused(config, key, key + " missing");
            expectRefused(key, "/nonexistent/relaysync/file.pem", key);
            expectRefused(key, certs().scratch().string(), key);  // a folder
        }

        const std::string secret = "c2VjcmV0LWtleS1tYXRlcmlhbC1kby1ub3Qtc2hvdw";
        const std::string kPem = std::string("PRIVATE") + " KEY";
        const std::string fake_key =
            // Not a real key: PEM armour around a marker that must never show in an error. The
            // armour is assembled so that no key-looking text sits in the repository.
            writeScratch("fake.key", "-----BEGIN " + kPem + "-----\n" + secret + "\n-----END " + kPem + "-----\n");
        auto config = tlsConfig("relay-a@net");
        config["private_key"] = fake_key;
        std::string error;
        CPPUNIT_ASSERT(create(config, &error) == nullptr);
        CPPUNIT_ASSERT_MESSAGE(error, error.rfind("private_key:", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE("the error shows the file's content: " + error, error.find(secret) == std::string::npos);

        expectRefused("private_key", certs().key("relay-b@net"), "private_key");    // another account's key
        expectRefused("certificate", writeScratch("junk.pem", "not a certificate\n"), "certificate");
        expectRefused("ca", writeScratch("empty-ca.pem", "\n"), "ca");
        // The node's own certificate must be one the configured CA signed.
        expectRefused("ca", certs().rogueCa(), "certificate");
    }

    void startRefusesAnAccountThatIsNotTheCertificates() {
        RecordingListener listener;  // outlives the transport
        std::string error;
        TransportPtr transport = create(tlsConfig("relay-a@net"), &error);
        CPPUNIT_ASSERT_MESSAGE(error, transport != nullptr);
        const sdk::Status status = transport->start("relay-b@net", listener);
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, status);
        CPPUNIT_ASSERT_MESSAGE(status.message(), status.message().find("relay-a@net") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(status.message(), status.message().find("relay-b@net") != std::string::npos);

        // A refused start changes nothing: the right account starts; a second start is refused.
        ASSERT_STATUS(sdk::StatusCode::ok, transport->start("relay-a@net", listener));
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, transport->start("relay-a@net", listener));
    }

    void startReportsAPortInUse() {
        const std::uint16_t port = freePort();
        startNode("relay-a@net", tlsConfig("relay-a@net"), port);
        auto config = tlsConfig("relay-b@net");
        config["listen"] = listenOn(port);
        RecordingListener listener;  // outlives the transport
        std::string error;
        TransportPtr second = create(config, &error);
        CPPUNIT_ASSERT_MESSAGE(error, second != nullptr);
        const sdk::Status status = second->start("relay-b@net", listener);
        CPPUNIT_ASSERT_MESSAGE("a second transport started on a port in use", !status.isOk());
        CPPUNIT_ASSERT_MESSAGE(status.toString(), status.message().find(listenOn(port)) != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);

}  // namespace relaysync::tests
