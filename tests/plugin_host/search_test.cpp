// Where the host looks for a plugin: given folders, then RELAYSYNC_PLUGIN_DIR, then the install
// folder; a name becomes relaysync-<kindword>-<name>.so; a value with '/' is a path.

#include <optional>

#include "plugin_host_fixture.h"

namespace relaysync::test {
namespace {

using core::PluginHost;
using sdk::PluginKind;

const std::string kFirst = fixtureDir() + "/first";
const std::string kSecond = fixtureDir() + "/second";

class SearchTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SearchTest);
    CPPUNIT_TEST(testGivenFoldersComeFirstThenEnvironmentThenInstallFolder);
    CPPUNIT_TEST(testGivenFoldersAreSearchedInOrder);
    CPPUNIT_TEST(testEnvironmentIsUsedAfterGivenFolders);
    CPPUNIT_TEST(testEnvironmentHoldsSeveralFolders);
    CPPUNIT_TEST(testEmptyAndRepeatedFoldersAreDropped);
    CPPUNIT_TEST(testInstallFolderIsUnderLibdir);
    CPPUNIT_TEST(testNotFoundNamesTheFileAndEveryFolderSearched);
    CPPUNIT_TEST(testKindIsPartOfTheFileName);
    CPPUNIT_TEST(testPathIsLoadedAsGiven);
    CPPUNIT_TEST(testMissingPath);
    CPPUNIT_TEST(testFolderIsNotAPluginFile);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { env_.emplace(std::nullopt); }
    void tearDown() override { env_.reset(); }

    void testGivenFoldersComeFirstThenEnvironmentThenInstallFolder() {
        ScopedPluginDir env(kSecond);
        PluginHost host({kFirst});
        const std::vector<std::string> expected{kFirst, kSecond, PluginHost::defaultPluginDir()};
        CPPUNIT_ASSERT(expected == host.searchPaths());

        const auto info = host.describe(PluginKind::resource_store, "memory");
        CPPUNIT_ASSERT_EQUAL(std::string("In-memory store (first)"), info.description);
        CPPUNIT_ASSERT_EQUAL(kFirst + "/relaysync-storage-memory.so", info.file);
    }

    void testGivenFoldersAreSearchedInOrder() {
        PluginHost host({kSecond, kFirst});
        const auto info = host.describe(PluginKind::resource_store, "memory");
        CPPUNIT_ASSERT_EQUAL(std::string("In-memory store (second)"), info.description);
    }

    void testEnvironmentIsUsedAfterGivenFolders() {
        ScopedPluginDir env(kSecond);
        PluginHost host({fixtureDir() + "/no-such-folder"});
        const auto info = host.describe(PluginKind::resource_store, "memory");
        CPPUNIT_ASSERT_EQUAL(std::string("In-memory store (second)"), info.description);
    }

    void testEnvironmentHoldsSeveralFolders() {
        ScopedPluginDir env(kSecond + ":" + kFirst);
        PluginHost host({});
        const std::vector<std::string> expected{kSecond, kFirst, PluginHost::defaultPluginDir()};
        CPPUNIT_ASSERT(expected == host.searchPaths());
        const auto info = host.describe(PluginKind::resource_store, "memory");
        CPPUNIT_ASSERT_EQUAL(std::string("In-memory store (second)"), info.description);
    }

    void testEmptyAndRepeatedFoldersAreDropped() {
        ScopedPluginDir env(":" + kFirst + "::");
        PluginHost host({kFirst, "", kSecond, kFirst});
        const std::vector<std::string> expected{kFirst, kSecond, PluginHost::defaultPluginDir()};
        CPPUNIT_ASSERT(expected == host.searchPaths());
    }

    void testInstallFolderIsUnderLibdir() {
        const auto dir = PluginHost::defaultPluginDir();
        CPPUNIT_ASSERT(!dir.empty() && dir.front() == '/');
        ASSERT_CONTAINS(dir, "/relaysync/plugins");
    }

    void testNotFoundNamesTheFileAndEveryFolderSearched() {
        PluginHost host({kFirst, kSecond});
        const auto error = pluginErrorOf([&] { host.createStore(choiceOf("nosuch")); });
        CPPUNIT_ASSERT_EQUAL(std::string("nosuch"), error.plugin());
        CPPUNIT_ASSERT_EQUAL(std::string("relaysync-storage-nosuch.so"), error.file());
        const std::string what = error.what();
        ASSERT_CONTAINS(what, "resource store plugin 'nosuch' (relaysync-storage-nosuch.so): not found in ");
        ASSERT_CONTAINS(what, kFirst + ", " + kSecond + ", " + PluginHost::defaultPluginDir());
    }

    void testKindIsPartOfTheFileName() {
        PluginHost host({fixtureDir()});
        // relaysync-storage-memory.so is there, relaysync-transport-memory.so is not.
        const auto error = pluginErrorOf([&] { host.describe(PluginKind::transport, "memory"); });
        CPPUNIT_ASSERT_EQUAL(std::string("relaysync-transport-memory.so"), error.file());
        ASSERT_CONTAINS(error.reason(), "not found in " + fixtureDir());
        const auto checker = pluginErrorOf([&] { host.describe(PluginKind::entity_checker, "memory"); });
        CPPUNIT_ASSERT_EQUAL(std::string("relaysync-checker-memory.so"), checker.file());
    }

    void testPathIsLoadedAsGiven() {
        PluginHost host({kFirst});
        const auto path = kSecond + "/relaysync-storage-memory.so";
        const auto info = host.describe(PluginKind::resource_store, path);
        CPPUNIT_ASSERT_EQUAL(std::string("In-memory store (second)"), info.description);
        CPPUNIT_ASSERT_EQUAL(path, info.file);
    }

    void testMissingPath() {
        PluginHost host({fixtureDir()});
        const auto path = fixtureDir() + "/nothing-here.so";
        const auto error = pluginErrorOf([&] { host.createStore(choiceOf(path)); });
        CPPUNIT_ASSERT_EQUAL(path, error.plugin());
        CPPUNIT_ASSERT_EQUAL(path, error.file());
        CPPUNIT_ASSERT_EQUAL(std::string("no such file"), error.reason());
        CPPUNIT_ASSERT_EQUAL("resource store plugin '" + path + "': no such file", std::string(error.what()));
    }

    void testFolderIsNotAPluginFile() {
        PluginHost host({fixtureDir()});
        const auto by_name = pluginErrorOf([&] { host.createStore(choiceOf("folder")); });
        ASSERT_CONTAINS(by_name.reason(), "not found in");
        const auto path = fixtureDir() + "/relaysync-storage-folder.so";
        const auto by_path = pluginErrorOf([&] { host.createStore(choiceOf(path)); });
        CPPUNIT_ASSERT_EQUAL(std::string("not a regular file"), by_path.reason());
    }

private:
    std::optional<ScopedPluginDir> env_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SearchTest);

}  // namespace
}  // namespace relaysync::test
