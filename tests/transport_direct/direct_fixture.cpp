#include "direct_fixture.h"

#include <filesystem>
#include <thread>

#include "ports/loopback_ports.h"

namespace relaysync::tests {

std::size_t threadCount() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++count;
    return count;
}

void DirectFixture::setUp() {
    certs();  // made once per process, before any thread is counted
    PluginLibrary::get();
    // Sanitizers start a helper thread along with the process's first thread; let that happen
    // before counting.
    static const bool warmed_up = [] {
        std::thread([] {}).join();
        return true;
    }();
    (void)warmed_up;
    log = std::make_unique<LogCapture>();
    threads_at_start_ = threadCount();
}

void DirectFixture::tearDown() {
    for (auto& node : nodes) node->transport.reset();  // stops it: joins all of its threads
    nodes.clear();
    // A thread that has been joined may linger a moment in /proc as it exits.
    const bool all_ended = eventually([&] { return threadCount() <= threads_at_start_; }, milliseconds(2000));
    const std::size_t now = threadCount();
    log.reset();
    CPPUNIT_ASSERT_MESSAGE("threads left running: " + std::to_string(now) + " now, " +
                               std::to_string(threads_at_start_) + " before the test",
                           all_ended);
}

std::uint16_t DirectFixture::freePort() { return ports::reserveLoopbackPort(); }

sdk::PluginConfig DirectFixture::tlsConfig(const std::string& account) {
    return {
        {"certificate", certs().certificate(account)},
        {"private_key", certs().key(account)},
        {"ca", certs().ca()},
        {"connect_timeout_ms", "2000"},
        {"reconnect_initial_ms", "100"},
        {"reconnect_max_ms", "500"},
    };
}

sdk::PluginConfig DirectFixture::plaintextConfig() {
    return {
        {"plaintext", "true"},
        {"connect_timeout_ms", "2000"},
        {"reconnect_initial_ms", "100"},
        {"reconnect_max_ms", "500"},
    };
}

TransportPtr DirectFixture::create(const sdk::PluginConfig& config, std::string* error) const {
    return PluginLibrary::get().create(config, error);
}

Node& DirectFixture::startNode(const std::string& account, sdk::PluginConfig config, std::uint16_t listen_port,
                               const std::vector<std::string>& peers) {
    if (listen_port != 0) config["listen"] = listenOn(listen_port);
    std::string peer_list;
    for (const auto& peer : peers) peer_list += (peer_list.empty() ? "" : ",") + peer;
    if (!peer_list.empty()) config["peers"] = peer_list;

    auto node = std::make_unique<Node>();
    node->account = account;
    node->port = listen_port;
    node->listener = std::make_unique<RecordingListener>();
    std::string error;
    node->transport = create(config, &error);
    CPPUNIT_ASSERT_MESSAGE("the plugin refused the config of " + account + ": " + error, node->transport != nullptr);
    const sdk::Status status = node->transport->start(account, *node->listener);
    CPPUNIT_ASSERT_MESSAGE(account + " did not start: " + status.toString(), status.isOk());
    nodes.push_back(std::move(node));
    return *nodes.back();
}

}  // namespace relaysync::tests
