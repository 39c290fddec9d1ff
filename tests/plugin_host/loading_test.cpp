// Loading a plugin file and refusing the ones that cannot be used: each refusal is one
// PluginError naming the plugin, the file and the reason, and none of them crashes the process.

#include <optional>

#include "plugin_host_fixture.h"

namespace relaysync::test {
namespace {

using core::PluginHost;
using sdk::PluginKind;

const std::string kAbi = std::to_string(RELAYSYNC_SDK_ABI_MAJOR);

class LoadingTest : public HostFixture {
    CPPUNIT_TEST_SUITE(LoadingTest);
    CPPUNIT_TEST(testTextFileIsNotALoadableLibrary);
    CPPUNIT_TEST(testLibraryWithoutEntryPointIsNotAPlugin);
    CPPUNIT_TEST(testEntryPointReturningNothing);
    CPPUNIT_TEST(testOtherAbiMajorIsRefused);
    CPPUNIT_TEST(testNewerAbiMinorIsRefused);
    CPPUNIT_TEST(testOtherCxxLibraryIsRefused);
    CPPUNIT_TEST(testWrongKindIsRefused);
    CPPUNIT_TEST(testDescriptorNameMustMatchTheNameAskedFor);
    CPPUNIT_TEST(testAnyNameIsAcceptedWhenLoadedByPath);
    CPPUNIT_TEST(testMalformedDescriptorIsRefused);
    CPPUNIT_TEST(testUnresolvedSymbolIsReportedAtLoad);
    CPPUNIT_TEST(testHandWrittenDescriptorForThisAbiLoads);
    CPPUNIT_TEST(testPositionPrefixesTheMessageWhenKnown);
    CPPUNIT_TEST(testRefusalRepeatsTheSameWay);
    CPPUNIT_TEST_SUITE_END();

public:
    void testTextFileIsNotALoadableLibrary() {
        const auto error = storeError("text");
        CPPUNIT_ASSERT_EQUAL(fixtureFile("relaysync-storage-text.so"), error.file());
        ASSERT_CONTAINS(error.reason(), "not a loadable shared library: ");
        // dlerror's own words follow ("file too short", "invalid ELF header"), without the
        // file name again and without Boost's wrapping.
        CPPUNIT_ASSERT(error.reason().size() > std::string("not a loadable shared library: ").size());
        ASSERT_NOT_CONTAINS(error.reason(), error.file());
        ASSERT_NOT_CONTAINS(error.reason(), "boost::dll");
        ASSERT_CONTAINS(error.what(), "resource store plugin 'text' (" + error.file() + "): not a loadable");
    }

    void testLibraryWithoutEntryPointIsNotAPlugin() {
        const auto error = storeError("noentry");
        CPPUNIT_ASSERT_EQUAL(fixtureFile("relaysync-storage-noentry.so"), error.file());
        CPPUNIT_ASSERT_EQUAL(std::string("not a relaysync plugin (no relaysync_plugin_descriptor entry point)"),
                             error.reason());
    }

    void testEntryPointReturningNothing() {
        const auto error = storeError("nullentry");
        CPPUNIT_ASSERT_EQUAL(std::string("relaysync_plugin_descriptor returned no descriptor"), error.reason());
    }

    void testOtherAbiMajorIsRefused() {
        const auto error = storeError("abi99");
        CPPUNIT_ASSERT_EQUAL(fixtureFile("relaysync-storage-abi99.so"), error.file());
        CPPUNIT_ASSERT_EQUAL("built for SDK ABI 99." + std::to_string(RELAYSYNC_SDK_ABI_MINOR) +
                                 ", this host supports " + kAbi + ".x",
                             error.reason());
        ASSERT_CONTAINS(error.what(), "resource store plugin 'abi99' (" + error.file() + "): built for SDK ABI 99.");
    }

    void testOtherCxxLibraryIsRefused() {
        const auto error = storeError("othercxx");
        CPPUNIT_ASSERT_EQUAL(std::string("built against the C++ standard library ABI 'libc++', this host uses '") +
                                 RELAYSYNC_SDK_CXX_ABI +
                                 "'; rebuild the plugin with the same compiler and standard library as the host",
                             error.reason());
    }

    void testNewerAbiMinorIsRefused() {
        const auto error = storeError("newerminor");
        CPPUNIT_ASSERT_EQUAL("built for SDK ABI " + kAbi + "." + std::to_string(RELAYSYNC_SDK_ABI_MINOR + 1) +
                                 ", this host supports up to " + kAbi + "." +
                                 std::to_string(RELAYSYNC_SDK_ABI_MINOR) +
                                 "; upgrade relaysync or rebuild the plugin against this host's SDK",
                             error.reason());
    }

    void testWrongKindIsRefused() {
        const auto error = pluginErrorOf([&] { host_->createTransport(choiceOf("wrongkind", {{"root", "x"}})); });
        CPPUNIT_ASSERT(error.kind() == PluginKind::transport);
        CPPUNIT_ASSERT_EQUAL(fixtureFile("relaysync-transport-wrongkind.so"), error.file());
        CPPUNIT_ASSERT_EQUAL(std::string("is a resource store plugin, expected a transport"), error.reason());
        ASSERT_CONTAINS(error.what(), "transport plugin 'wrongkind' (");
        // And the other way round, by path: a store is not a checker either.
        const auto path = fixtureFile("relaysync-storage-memory.so");
        const auto other = pluginErrorOf([&] { host_->createChecker(choiceOf(path, {{"root", "x"}})); });
        CPPUNIT_ASSERT_EQUAL(std::string("is a resource store plugin, expected an entity checker"), other.reason());
    }

    void testDescriptorNameMustMatchTheNameAskedFor() {
        // relaysync-storage-renamed.so holds the plugin that calls itself "memory".
        const auto error = storeError("renamed", {{"root", "x"}});
        CPPUNIT_ASSERT_EQUAL(std::string("declares the name 'memory', expected 'renamed' "
                                         "(file name and descriptor must agree)"),
                             error.reason());
    }

    void testAnyNameIsAcceptedWhenLoadedByPath() {
        const auto path = fixtureFile("relaysync-storage-renamed.so");
        const auto store = host_->createStore(choiceOf(path, {{"root", "x"}}));
        CPPUNIT_ASSERT(store);
        CPPUNIT_ASSERT_EQUAL(std::string("memory"), host_->describe(PluginKind::resource_store, path).name);
    }

    void testMalformedDescriptorIsRefused() {
        const auto error = storeError("malformed");
        CPPUNIT_ASSERT_EQUAL(std::string("malformed descriptor: no destroy function"), error.reason());
    }

    void testUnresolvedSymbolIsReportedAtLoad() {
        const auto error = pluginErrorOf([&] { host_->createChecker(choiceOf("unresolved")); });
        ASSERT_CONTAINS(error.reason(), "not a loadable shared library: ");
        ASSERT_CONTAINS(error.reason(), "relaysync_fixture_symbol_nobody_defines");
    }

    void testHandWrittenDescriptorForThisAbiLoads() {
        const auto store = host_->createStore(choiceOf("handwritten"));
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(store->stat(sdk::CallContext::unbounded(), "anything", details).isNotFound());
    }

    void testPositionPrefixesTheMessageWhenKnown() {
        auto choice = choiceOf("abi99");
        choice.position = positionOf("config/r1.yaml", 12, 5);
        const auto error = pluginErrorOf([&] { host_->createStore(choice); });
        const std::string expected = choice.position.toString() + ": resource store plugin 'abi99' (" +
                                     error.file() + "): " + error.reason();
        CPPUNIT_ASSERT_EQUAL(expected, std::string(error.what()));

        const auto unpositioned = storeError("abi99");
        CPPUNIT_ASSERT_EQUAL(std::string("resource store plugin 'abi99' (") + unpositioned.file() +
                                 "): " + unpositioned.reason(),
                             std::string(unpositioned.what()));
    }

    void testRefusalRepeatsTheSameWay() {
        for (const char* plugin : {"text", "noentry", "nullentry", "abi99", "malformed"}) {
            const auto first = storeError(plugin);
            const auto second = storeError(plugin);
            CPPUNIT_ASSERT_EQUAL(std::string(first.what()), std::string(second.what()));
        }
    }

private:
    core::PluginError storeError(const std::string& plugin, sdk::PluginConfig config = {}) {
        return pluginErrorOf([&] { host_->createStore(choiceOf(plugin, config)); });
    }

};

CPPUNIT_TEST_SUITE_REGISTRATION(LoadingTest);

}  // namespace
}  // namespace relaysync::test
