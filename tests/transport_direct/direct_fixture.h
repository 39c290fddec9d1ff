#pragma once
// What every direct-transport test starts from: the plugin loaded as a host loads it, the test
// certificates, a capture of the transport's log, and helpers to run nodes (a transport with a
// recording listener) on 127.0.0.1. tearDown stops every node and checks that every thread the
// transports started has ended.

#include "status_traits.h"
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "log_capture.h"
#include "plugin_library.h"
#include "recording_listener.h"
#include "relaysync/sdk/plugin_config.h"
#include "relaysync/sdk/status.h"
#include "relaysync/sdk/transport.h"
#include "test_certificates.h"

namespace relaysync::tests {

struct Node {
    std::string account;
    std::unique_ptr<RecordingListener> listener;  // outlives the transport (declared first)
    TransportPtr transport;
    std::uint16_t port = 0;  // listen port, 0 when not listening
};

class DirectFixture : public CppUnit::TestFixture {
public:
    void setUp() override;
    void tearDown() override;

protected:
    static const TestCertificates& certs() { return TestCertificates::get(); }

    // A port on 127.0.0.1 nothing listens on right now, outside the ephemeral range.
    static std::uint16_t freePort();
    static std::string listenOn(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }
    static std::string peerAt(const std::string& account, std::uint16_t port) {
        return account + "=127.0.0.1:" + std::to_string(port);
    }

    // TLS settings for `account` with the network's CA, and short timeouts for tests.
    static sdk::PluginConfig tlsConfig(const std::string& account);
    static sdk::PluginConfig plaintextConfig();

    // Creates and starts a node; fails the test if the plugin refuses. `listen_port` 0: the
    // node does not listen.
    Node& startNode(const std::string& account, sdk::PluginConfig config, std::uint16_t listen_port = 0,
                    const std::vector<std::string>& peers = {});
    // Creates one; nullptr with *error when the plugin refuses the config.
    TransportPtr create(const sdk::PluginConfig& config, std::string* error) const;

    std::unique_ptr<LogCapture> log;
    std::vector<std::unique_ptr<Node>> nodes;

private:
    std::size_t threads_at_start_ = 0;
};

// The number of threads of this process now.
std::size_t threadCount();

constexpr std::chrono::milliseconds kWait{10'000};  // upper bound for anything that should happen

}  // namespace relaysync::tests

namespace CppUnit {
template <> struct assertion_traits<relaysync::sdk::Reachability> {
    static bool equal(relaysync::sdk::Reachability a, relaysync::sdk::Reachability b) { return a == b; }
    static std::string toString(relaysync::sdk::Reachability r) {
        switch (r) {
        case relaysync::sdk::Reachability::reachable: return "reachable";
        case relaysync::sdk::Reachability::unreachable: return "unreachable";
        case relaysync::sdk::Reachability::unknown: return "unknown";
        }
        return "?";
    }
};
}  // namespace CppUnit

// Asserts the code of a Status; on failure shows the call and the status with its message.
#define ASSERT_STATUS(expected_code, status_expr)                                                   \
    do {                                                                                           \
        const ::relaysync::sdk::Status status_ = (status_expr);                                    \
        CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(#status_expr " -> ") + status_.toString(),        \
                                     (expected_code), status_.code());                             \
    } while (false)

// Asserts that the captured log has a line with every part; shows the log otherwise.
#define ASSERT_LOGGED(priority, ...)                                                               \
    CPPUNIT_ASSERT_MESSAGE("no log line with all of the expected parts; the log:\n" + log->text(), \
                           log->waitFor({__VA_ARGS__}, ::relaysync::tests::kWait, (priority)))
