#pragma once
// Every SMB store test starts from: a private smbd with the share "finance" (a folder of this
// test, holding "folderZ", the store's root), the "smb" plugin loaded as a host loads it, and
// a capture of its log.

#include "status_traits.h"
#include <cppunit/extensions/HelperMacros.h>

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "relaysync/sdk/plugin.h"
#include "samba_server.h"

namespace relaysync::tests {

namespace fs = std::filesystem;

struct StoreDeleter {
    void (*destroy)(void*) = nullptr;
    void operator()(sdk::ResourceStore* store) const noexcept { destroy(static_cast<void*>(store)); }
};
using StorePtr = std::unique_ptr<sdk::ResourceStore, StoreDeleter>;

// Every line the plugin logs (Poco logger "relaysync.storage.smb").
class CapturedLog final : public Poco::Channel {
public:
    void log(const Poco::Message& message) override;
    std::string text() const;
    std::size_t count(const std::string& part) const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

class SmbFixture : public CppUnit::TestFixture {
public:
    void setUp() override;
    void tearDown() override;

protected:
    static constexpr const char* kUser = "relaysync";
    static constexpr const char* kPassword = "pa ss%word";

    // The settings of a store on the fixture's share and folder, with a short timeout.
    sdk::PluginConfig config() const;
    // An instance, or nullptr with *error when the plugin refuses `settings`.
    StorePtr create(const sdk::PluginConfig& settings, std::string* error) const;
    StorePtr makeStore(const sdk::PluginConfig& settings) const;
    // A file under the store's root on the server's disk.
    void writeFile(const std::string& path, const std::string& content) const;

    fs::path dir;          // everything of this test
    fs::path root;         // the store's root on the server's disk: <share>/folderZ
    std::unique_ptr<SambaServer> server;
    Poco::AutoPtr<CapturedLog> log;
    StorePtr store;

private:
    static const sdk::PluginDescriptor& descriptor();
    Poco::Channel::Ptr saved_channel_;
    int saved_level_ = 0;
};

}  // namespace relaysync::tests


#define ASSERT_STATUS(expected_code, status_expr)                                                   \
    do {                                                                                            \
        const ::relaysync::sdk::Status status_ = (status_expr);                                     \
        CPPUNIT_ASSERT_EQUAL_MESSAGE(#status_expr " -> " + status_.toString(), (expected_code), status_.code()); \
    } while (false)
