#pragma once
// What every SIP transport test starts from: a real Kamailio on 127.0.0.1 with three relay
// accounts, the "sip" plugin loaded as a host loads it, a capture of its log, and nodes (a
// transport with a recording listener) registered at that Kamailio.

#include "ports/loopback_ports.h"
#include "status_traits.h"
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>

#include <boost/dll/shared_library.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kamailio_server.h"
#include "recording_listener.h"
#include "relaysync/sdk/plugin.h"

namespace relaysync::tests {

inline const std::string kRelay1 = "relay-server1@net";
inline const std::string kRelay2 = "relay-server2@net";
inline const std::string kRelay3 = "relay-server3@net";  // has an account, never registers

struct TransportDeleter {
    void (*destroy)(void*) = nullptr;
    void operator()(sdk::Transport* transport) const noexcept { destroy(static_cast<void*>(transport)); }
};
using TransportPtr = std::unique_ptr<sdk::Transport, TransportDeleter>;

struct Node {
    std::string account;
    std::unique_ptr<RecordingListener> listener;  // outlives the transport (declared first)
    TransportPtr transport;
};

// Every line the plugin logs (Poco logger "relaysync.transport.sip").
class SipLog final : public Poco::Channel {
public:
    void log(const Poco::Message& message) override;
    std::vector<std::string> lines() const;
    std::string text() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

class SipFixture : public CppUnit::TestFixture {
public:
    void setUp() override;
    void tearDown() override;

    // The plugin loaded as the host loads it; nullptr with *error when it refuses the config.
    static TransportPtr createTransport(const sdk::PluginConfig& config, std::string* error);

protected:
    // Called in setUp() before the server starts (e.g. to enable TLS).
    virtual void prepareServer(KamailioServer&) {}
    static std::string passwordOf(const std::string& account);
    // Settings for `account` at the fixture's Kamailio, with short timeouts for tests.
    sdk::PluginConfig configFor(const std::string& account) const;
    TransportPtr create(const sdk::PluginConfig& config, std::string* error) const { return createTransport(config, error); }
    // Creates and starts a node; fails the test when either step fails.
    Node& startNode(const std::string& account) { return startNodeWith(account, configFor(account)); }
    Node& startNodeWith(const std::string& account, const sdk::PluginConfig& config);
    // Waits until `from` delivers a message to `to` (both registered), with a deadline.
    bool deliveredEventually(Node& from, const Node& to, const std::string& payload, std::chrono::milliseconds timeout);

    std::unique_ptr<KamailioServer> server;
    Poco::AutoPtr<SipLog> log;
    std::vector<std::unique_ptr<Node>> nodes;

private:
    static const sdk::PluginDescriptor& descriptor();
    Poco::Channel::Ptr saved_channel_;
    int saved_level_ = 0;
};

constexpr std::chrono::milliseconds kWait{15'000};


}  // namespace relaysync::tests

