// What a host sees before it trusts the plugin: versions, kind, name, key table; and how the
// plugin takes or refuses a config.

#include <cstring>

#include "store_fixture.h"

namespace relaysync::tests {

class DescriptorTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DescriptorTest);
    CPPUNIT_TEST(testAbiVersion);
    CPPUNIT_TEST(testKindNameAndDescription);
    CPPUNIT_TEST(testKeyTable);
    CPPUNIT_TEST(testCreateDescribeDestroy);
    CPPUNIT_TEST(testDescribeNormalisesRoot);
    CPPUNIT_TEST(testMissingRootKeyIsRefused);
    CPPUNIT_TEST(testEmptyRootIsRefused);
    CPPUNIT_TEST(testRelativeRootIsRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override { plugin = std::make_unique<PluginLibrary>(); }
    void tearDown() override { plugin.reset(); }

    void testAbiVersion() {
        const auto& d = plugin->descriptor();
        CPPUNIT_ASSERT_EQUAL(std::uint32_t{RELAYSYNC_SDK_ABI_MAJOR}, d.abi_major);
        CPPUNIT_ASSERT_EQUAL(std::uint32_t{RELAYSYNC_SDK_ABI_MINOR}, d.abi_minor);
    }

    void testKindNameAndDescription() {
        const auto& d = plugin->descriptor();
        CPPUNIT_ASSERT(d.kind == sdk::PluginKind::resource_store);
        CPPUNIT_ASSERT_EQUAL(std::string("local"), std::string(d.name));
        CPPUNIT_ASSERT(d.description != nullptr && std::strlen(d.description) > 0);
        CPPUNIT_ASSERT(d.create != nullptr && d.destroy != nullptr);
    }

    void testKeyTable() {
        const auto& d = plugin->descriptor();
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, d.config_key_count);
        CPPUNIT_ASSERT_EQUAL(std::string("root"), std::string(d.config_keys[0].name));
        CPPUNIT_ASSERT_MESSAGE("root is required, so it has no default", d.config_keys[0].default_value == nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("marker"), std::string(d.config_keys[1].name));
        CPPUNIT_ASSERT_EQUAL(std::string(""), std::string(d.config_keys[1].default_value));
        for (std::size_t i = 0; i < d.config_key_count; ++i)
            CPPUNIT_ASSERT(d.config_keys[i].description != nullptr && std::strlen(d.config_keys[i].description) > 0);
    }

    void testCreateDescribeDestroy() {
        TempTree tree;
        std::string error;
        StorePtr store = plugin->create({{"root", tree.base().string()}}, &error);
        CPPUNIT_ASSERT_MESSAGE(error, store != nullptr);
        CPPUNIT_ASSERT_EQUAL("local:" + tree.base().string(), store->describe());
        store.reset();  // through the descriptor's destroy
    }

    void testDescribeNormalisesRoot() {
        // The root need not exist when the store is made: a drive may be mounted later.
        StorePtr store = plugin->create({{"root", "/srv/relaysync-test-nowhere/c/"}}, nullptr);
        CPPUNIT_ASSERT(store != nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("local:/srv/relaysync-test-nowhere/c"), store->describe());
    }

    void testMissingRootKeyIsRefused() {
        std::string error;
        CPPUNIT_ASSERT(plugin->create({}, &error) == nullptr);
        CPPUNIT_ASSERT_MESSAGE(error, error.find("'root'") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(error, error.find("missing") != std::string::npos);
        // No error string: still refused, and nothing breaks.
        CPPUNIT_ASSERT(plugin->create({{"rooot", "/srv"}}, nullptr) == nullptr);
    }

    void testEmptyRootIsRefused() {
        std::string error;
        CPPUNIT_ASSERT(plugin->create({{"root", ""}}, &error) == nullptr);
        CPPUNIT_ASSERT_MESSAGE(error, error.find("'root' is empty") != std::string::npos);
    }

    void testRelativeRootIsRefused() {
        for (const char* relative : {"srv/share", "./share", "../share", "share"}) {
            std::string error;
            CPPUNIT_ASSERT_MESSAGE(relative, plugin->create({{"root", relative}}, &error) == nullptr);
            CPPUNIT_ASSERT_MESSAGE(error, error.find("absolute") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(error, error.find(relative) != std::string::npos);
        }
    }

private:
    std::unique_ptr<PluginLibrary> plugin;
};

CPPUNIT_TEST_SUITE_REGISTRATION(DescriptorTest);

}  // namespace relaysync::tests
