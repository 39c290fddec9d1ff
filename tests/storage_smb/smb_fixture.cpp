#include "smb_fixture.h"

#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace relaysync::tests {

namespace {

fs::path pluginPath() {
    if (const char* plugins = std::getenv("RELAYSYNC_PLUGIN_DIR"); plugins && *plugins)
        return fs::path(plugins) / "relaysync-storage-smb.so";
    return RELAYSYNC_STORAGE_SMB_SO;
}

Poco::Logger& pluginLogger() { return Poco::Logger::get("relaysync.storage.smb"); }

}  // namespace

void CapturedLog::log(const Poco::Message& message) {
    std::lock_guard lock(mutex_);
    lines_.push_back(message.getText());
}

std::string CapturedLog::text() const {
    std::lock_guard lock(mutex_);
    std::string all;
    for (const auto& line : lines_) all += line + "\n";
    return all;
}

std::size_t CapturedLog::count(const std::string& part) const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& line : lines_) n += line.find(part) != std::string::npos;
    return n;
}

const sdk::PluginDescriptor& SmbFixture::descriptor() {
    static boost::dll::shared_library library(pluginPath());
    static const sdk::PluginDescriptor* found = library.get<sdk::PluginEntryPoint>(RELAYSYNC_PLUGIN_ENTRY_POINT)();
    return *found;
}

void SmbFixture::setUp() {
    log = new CapturedLog;
    saved_channel_ = pluginLogger().getChannel();
    saved_level_ = pluginLogger().getLevel();
    pluginLogger().setChannel(Poco::Channel::Ptr(log.get(), true));
    pluginLogger().setLevel(Poco::Message::PRIO_DEBUG);
    char made[] = "/tmp/relaysync-smb-test-XXXXXX";
    if (!::mkdtemp(made)) throw std::runtime_error("cannot make a test folder");
    dir = made;
    root = dir / "share" / "folderZ";
    fs::create_directories(root);
    server = std::make_unique<SambaServer>(dir / "samba", kUser, kPassword,
                                           std::map<std::string, fs::path>{{"finance", dir / "share"}});
    server->start();
    store = makeStore(config());
}

void SmbFixture::tearDown() {
    store.reset();
    server.reset();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    pluginLogger().setChannel(saved_channel_);
    pluginLogger().setLevel(saved_level_);
}

sdk::PluginConfig SmbFixture::config() const {
    return {{"server", "127.0.0.1"},       {"port", std::to_string(server->port())}, {"share", "finance"},
            {"folder", "folderZ"},         {"user", kUser},                          {"password", kPassword},
            {"timeout_ms", "1000"}};
}

StorePtr SmbFixture::create(const sdk::PluginConfig& settings, std::string* error) const {
    void* instance = descriptor().create(settings, error);
    return StorePtr(static_cast<sdk::ResourceStore*>(instance), StoreDeleter{descriptor().destroy});
}

StorePtr SmbFixture::makeStore(const sdk::PluginConfig& settings) const {
    std::string error;
    StorePtr made = create(settings, &error);
    CPPUNIT_ASSERT_MESSAGE("the plugin refused its settings: " + error, made != nullptr);
    return made;
}

void SmbFixture::writeFile(const std::string& path, const std::string& content) const {
    fs::create_directories((root / path).parent_path());
    std::ofstream(root / path, std::ios::binary) << content;
}

}  // namespace relaysync::tests
