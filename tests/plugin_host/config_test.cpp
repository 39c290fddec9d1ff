// A profile's config checked against the plugin's key table: unknown keys named with their
// position and the allowed keys, required keys enforced, defaults filled in, values never shown.

#include <optional>

#include "plugin_host_fixture.h"

namespace relaysync::test {
namespace {

using core::PluginHost;
using sdk::PluginKind;

class ConfigTest : public HostFixture {
    CPPUNIT_TEST_SUITE(ConfigTest);
    CPPUNIT_TEST(testUnknownKeyIsNamedWithItsPositionAndTheAllowedKeys);
    CPPUNIT_TEST(testUnknownKeyWithoutPosition);
    CPPUNIT_TEST(testSeveralUnknownKeysAreAllNamed);
    CPPUNIT_TEST(testMissingRequiredKey);
    CPPUNIT_TEST(testTypoShowsBothUnknownAndMissing);
    CPPUNIT_TEST(testPluginWithoutKeysRefusesAnyKey);
    CPPUNIT_TEST(testDefaultsAreFilledInBeforeCreate);
    CPPUNIT_TEST(testGivenValueWinsOverDefault);
    CPPUNIT_TEST(testValidateReturnsTheConfigTheCreateWouldGet);
    CPPUNIT_TEST(testConfigIsCheckedBeforeCreating);
    CPPUNIT_TEST(testValuesNeverAppearInErrors);
    CPPUNIT_TEST_SUITE_END();

public:
    void testUnknownKeyIsNamedWithItsPositionAndTheAllowedKeys() {
        auto choice = choiceOf("memory", {{"root", "x"}, {"mdoe", "slow"}});
        choice.position = positionOf("config/r1.yaml", 12, 5);
        choice.key_positions["root"] = positionOf("config/r1.yaml", 14, 7);
        choice.key_positions["mdoe"] = positionOf("config/r1.yaml", 15, 7);
        const auto error = pluginErrorOf([&] { host_->createStore(choice); });
        CPPUNIT_ASSERT_EQUAL("unknown config key 'mdoe' at " + choice.key_positions["mdoe"].toString() +
                                 "; allowed keys: root, mode, password",
                             error.reason());
        CPPUNIT_ASSERT_EQUAL(fixtureFile("relaysync-storage-memory.so"), error.file());
        ASSERT_CONTAINS(error.what(), choice.position.toString() + ": resource store plugin 'memory' (");
    }

    void testUnknownKeyWithoutPosition() {
        const auto error = storeError(choiceOf("memory", {{"root", "x"}, {"extra", "1"}}));
        CPPUNIT_ASSERT_EQUAL(std::string("unknown config key 'extra'; allowed keys: root, mode, password"),
                             error.reason());
    }

    void testSeveralUnknownKeysAreAllNamed() {
        const auto error = storeError(choiceOf("memory", {{"root", "x"}, {"a", "1"}, {"b", "2"}}));
        ASSERT_CONTAINS(error.reason(), "unknown config keys 'a', 'b'; allowed keys: root, mode, password");
    }

    void testMissingRequiredKey() {
        const auto error = storeError(choiceOf("memory", {{"mode", "slow"}}));
        CPPUNIT_ASSERT_EQUAL(std::string("missing required config key 'root'"), error.reason());
        CPPUNIT_ASSERT_EQUAL(std::string("memory"), error.plugin());
    }

    void testTypoShowsBothUnknownAndMissing() {
        const auto error = storeError(choiceOf("memory", {{"rot", "x"}}));
        CPPUNIT_ASSERT_EQUAL(std::string("unknown config key 'rot'; allowed keys: root, mode, password; "
                                         "missing required config key 'root'"),
                             error.reason());
    }

    void testPluginWithoutKeysRefusesAnyKey() {
        const auto error = pluginErrorOf([&] { host_->createTransport(choiceOf("loopback", {{"port", "5061"}})); });
        CPPUNIT_ASSERT_EQUAL(std::string("unknown config key 'port'; this plugin takes no config keys"),
                             error.reason());
    }

    void testDefaultsAreFilledInBeforeCreate() {
        const auto store = host_->createStore(choiceOf("memory", {{"root", "/srv"}}));
        CPPUNIT_ASSERT_EQUAL(std::string("memory(main): mode=fast password= root=/srv"), store->describe());
    }

    void testGivenValueWinsOverDefault() {
        const auto store = host_->createStore(choiceOf("memory", {{"root", "/srv"}, {"mode", "slow"}}));
        CPPUNIT_ASSERT_EQUAL(std::string("memory(main): mode=slow password= root=/srv"), store->describe());
    }

    void testValidateReturnsTheConfigTheCreateWouldGet() {
        const auto config = host_->validate(PluginKind::resource_store, choiceOf("memory", {{"root", "/srv"}}));
        const sdk::PluginConfig expected{{"root", "/srv"}, {"mode", "fast"}, {"password", ""}};
        CPPUNIT_ASSERT(expected == config);
        const auto checker = host_->validate(PluginKind::entity_checker, choiceOf("size"));
        CPPUNIT_ASSERT((sdk::PluginConfig{{"compare_time", "yes"}} == checker));
        const auto error = pluginErrorOf([&] { host_->validate(PluginKind::resource_store, choiceOf("memory")); });
        CPPUNIT_ASSERT_EQUAL(std::string("missing required config key 'root'"), error.reason());
    }

    void testConfigIsCheckedBeforeCreating() {
        // "broken" would throw from its constructor; the unknown key is reported first.
        const auto error = storeError(choiceOf("broken", {{"root", "x"}}));
        CPPUNIT_ASSERT_EQUAL(std::string("unknown config key 'root'; this plugin takes no config keys"),
                             error.reason());
    }

    void testValuesNeverAppearInErrors() {
        const std::string secret = "hunter2-secret";
        const auto unknown = storeError(choiceOf("memory", {{"root", secret}, {"password", secret}, {"pasword", secret}}));
        ASSERT_CONTAINS(unknown.reason(), "unknown config key 'pasword'");
        ASSERT_NOT_CONTAINS(unknown.what(), secret);
        const auto missing = storeError(choiceOf("memory", {{"password", secret}}));
        ASSERT_NOT_CONTAINS(missing.what(), secret);
        const auto wrong_kind = pluginErrorOf(
            [&] { host_->createTransport(choiceOf("wrongkind", {{"password", secret}})); });
        ASSERT_NOT_CONTAINS(wrong_kind.what(), secret);
    }

private:
    core::PluginError storeError(const core::PluginChoice& choice) {
        return pluginErrorOf([&] { host_->createStore(choice); });
    }

};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);

}  // namespace
}  // namespace relaysync::test
