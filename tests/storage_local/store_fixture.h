#pragma once
// Loads the built "local" plugin exactly as a host does (Boost.DLL, the one entry point, the
// descriptor's create/destroy) and gives each test a fresh store over a fresh temp folder.

#include "status_traits.h"
#include <cppunit/extensions/HelperMacros.h>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "relaysync/sdk/plugin.h"
#include "temp_tree.h"

namespace relaysync::tests {

// Where the plugin is: $RELAYSYNC_PLUGIN_DIR (set by CTest, as a host's plugin folder), else
// the path the build put it at.
std::filesystem::path storageLocalPluginPath();

struct StoreDeleter {
    void (*destroy)(void*) = nullptr;
    void operator()(sdk::ResourceStore* store) const noexcept { destroy(static_cast<void*>(store)); }
};
using StorePtr = std::unique_ptr<sdk::ResourceStore, StoreDeleter>;

class PluginLibrary {
public:
    PluginLibrary();  // throws what Boost.DLL throws when the file or the entry point is missing
    const sdk::PluginDescriptor& descriptor() const { return *descriptor_; }
    // An instance, or nullptr with *error set when the plugin refuses `config`.
    StorePtr create(const sdk::PluginConfig& config, std::string* error) const;

private:
    boost::dll::shared_library library_;
    const sdk::PluginDescriptor* descriptor_ = nullptr;
};

// Layout under tree->base(): "root" is the store's root; "outside" holds "secret.txt", which no
// store path may ever reach.
class StoreFixture : public CppUnit::TestFixture {
public:
    void setUp() override;
    void tearDown() override;

protected:
    std::filesystem::path rootPath() const { return tree->base() / "root"; }
    // Makes a store over `root`; fails the test if the plugin refuses.
    StorePtr makeStore(const std::filesystem::path& root) const;

    // Shorthands that call the fixture's store.
    sdk::Status statOf(const std::string& path, sdk::EntityDetails* details = nullptr) const;
    sdk::Status listOf(const std::string& path, std::vector<std::string>* sorted_entries = nullptr) const;
    sdk::Status readOf(const std::string& path, std::uint64_t offset, std::size_t max_bytes,
                       std::string* content = nullptr) const;

    // Declared in this order so that the store goes before the library that holds its code.
    std::unique_ptr<PluginLibrary> plugin;
    std::unique_ptr<TempTree> tree;
    StorePtr store;
};

// "name:file" / "name:folder", sorted: listings compare as one readable string.
std::vector<std::string> describeListing(const sdk::FolderListing& items);

}  // namespace relaysync::tests

// CPPUNIT_ASSERT_EQUAL prints both sides.
namespace CppUnit {
template <> struct assertion_traits<relaysync::sdk::EntityKind> {
    static bool equal(relaysync::sdk::EntityKind a, relaysync::sdk::EntityKind b) { return a == b; }
    static std::string toString(relaysync::sdk::EntityKind k) { return relaysync::sdk::toString(k); }
};
template <> struct assertion_traits<std::vector<std::string>> {
    static bool equal(const std::vector<std::string>& a, const std::vector<std::string>& b) { return a == b; }
    static std::string toString(const std::vector<std::string>& v) {
        std::string text = "[";
        for (const auto& s : v) text += (text.size() > 1 ? ", " : "") + s;
        return text + "]";
    }
};
}  // namespace CppUnit

// Asserts the code of a Status; on failure shows the call, and the status with its message.
#define ASSERT_STATUS(expected_code, status_expr) ASSERT_STATUS_FOR(std::string(), expected_code, status_expr)

// The same, naming what the call was about (e.g. the path, in a loop over paths).
#define ASSERT_STATUS_FOR(context, expected_code, status_expr)                                     \
    do {                                                                                           \
        const ::relaysync::sdk::Status status_ = (status_expr);                                    \
        CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(context) + " " #status_expr " -> " + status_.toString(), \
                                     (expected_code), status_.code());                             \
    } while (false)
