#include "sip_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace relaysync::tests {

namespace {

std::filesystem::path pluginPath() {
    if (const char* dir = std::getenv("RELAYSYNC_PLUGIN_DIR"); dir && *dir)
        return std::filesystem::path(dir) / "relaysync-transport-sip.so";
    return RELAYSYNC_TRANSPORT_SIP_SO;
}

Poco::Logger& pluginLogger() { return Poco::Logger::get("relaysync.transport.sip"); }

}  // namespace

void SipLog::log(const Poco::Message& message) {
    std::lock_guard lock(mutex_);
    lines_.push_back(message.getText());
    if (std::getenv("RELAYSYNC_TEST_LOG")) std::cerr << "[sip " << message.getPriority() << "] " << message.getText() << "\n";
}

std::vector<std::string> SipLog::lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
}

std::string SipLog::text() const {
    std::string all;
    for (const auto& line : lines()) all += line + "\n";
    return all;
}

const sdk::PluginDescriptor& SipFixture::descriptor() {
    static boost::dll::shared_library library(pluginPath());
    static const sdk::PluginDescriptor* found = library.get<sdk::PluginEntryPoint>(RELAYSYNC_PLUGIN_ENTRY_POINT)();
    return *found;
}

std::string SipFixture::passwordOf(const std::string& account) { return "pw-" + account.substr(0, account.find('@')) + ":x"; }

void SipFixture::setUp() {
    log = new SipLog;
    Poco::Logger& logger = pluginLogger();
    saved_channel_ = logger.getChannel();
    saved_level_ = logger.getLevel();
    logger.setChannel(Poco::Channel::Ptr(log.get(), true));
    logger.setLevel(Poco::Message::PRIO_DEBUG);
    server = std::make_unique<KamailioServer>(std::map<std::string, std::string>{
        {kRelay1, passwordOf(kRelay1)}, {kRelay2, passwordOf(kRelay2)}, {kRelay3, passwordOf(kRelay3)}});
    prepareServer(*server);
    server->start();
}

void SipFixture::tearDown() {
    nodes.clear();  // stops every transport before its listener and before the server goes
    server.reset();
    Poco::Logger& logger = pluginLogger();
    logger.setChannel(saved_channel_);
    logger.setLevel(saved_level_);
}

sdk::PluginConfig SipFixture::configFor(const std::string& account) const {
    return {{"server", server->address()},
            {"password", passwordOf(account)},
            {"relay_accounts", kRelay1 + "," + kRelay2 + "," + kRelay3},
            {"transaction_timeout_ms", "5000"},
            {"keepalive_ms", "1000"},
            {"keepalive_timeout_ms", "2000"},
            {"reconnect_initial_ms", "100"},
            {"reconnect_max_ms", "500"},
            {"probe_interval_ms", "0"}};  // tests of probes turn them on
}

TransportPtr SipFixture::createTransport(const sdk::PluginConfig& config, std::string* error) {
    void* instance = descriptor().create(config, error);
    return TransportPtr(static_cast<sdk::Transport*>(instance), TransportDeleter{descriptor().destroy});
}

Node& SipFixture::startNodeWith(const std::string& account, const sdk::PluginConfig& config) {
    auto node = std::make_unique<Node>();
    node->account = account;
    node->listener = std::make_unique<RecordingListener>();
    std::string error;
    node->transport = create(config, &error);
    CPPUNIT_ASSERT_MESSAGE("the plugin refused the config: " + error, node->transport != nullptr);
    const sdk::Status started = node->transport->start(account, *node->listener);
    CPPUNIT_ASSERT_MESSAGE(account + " did not start: " + started.toString() + "\nlog:\n" + log->text() +
                               "\nkamailio:\n" + server->log(),
                           started.isOk());
    nodes.push_back(std::move(node));
    return *nodes.back();
}


bool SipFixture::deliveredEventually(Node& from, const Node& to, const std::string& payload, std::chrono::milliseconds timeout) {
    return eventually([&] { return from.transport->send(to.account, payload).isOk(); }, timeout);
}

}  // namespace relaysync::tests
