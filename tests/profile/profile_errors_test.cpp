// Profiles that must not load, and what the operator is told: file:line:column, the key path,
// and what is wrong — without ever quoting a secret.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>

#include "profile/profile_loader.h"
#include "profile_test_support.h"

namespace relaysync::core::test {

class ProfileErrorsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ProfileErrorsTest);
    CPPUNIT_TEST(errorCarriesPositionKeyPathAndProblem);
    CPPUNIT_TEST(unsupportedVersionIsNamed);
    CPPUNIT_TEST(missingVersionIsReported);
    CPPUNIT_TEST(missingKeyNamesTheParentsPosition);
    CPPUNIT_TEST(missingTopLevelKeyNamesTheFile);
    CPPUNIT_TEST(unknownTopLevelKeyListsAllowedKeys);
    CPPUNIT_TEST(unknownNestedKeySuggestsTheIntendedOne);
    CPPUNIT_TEST(unknownStoreKeyIsRejected);
    CPPUNIT_TEST(duplicateKeyIsRejected);
    CPPUNIT_TEST(yamlSyntaxErrorHasFileLineAndColumn);
    CPPUNIT_TEST(strayCommaIsASyntaxErrorNotAHang);
    CPPUNIT_TEST(missingFileNamesFileAndReason);
    CPPUNIT_TEST(directoryIsNotAProfile);
    CPPUNIT_TEST(emptyOrMultiDocumentFilesAreRejected);
    CPPUNIT_TEST(topLevelMustBeAMapping);
    CPPUNIT_TEST(listWhereAValueIsExpected);
    CPPUNIT_TEST(valueWhereAMappingOrListIsExpected);
    CPPUNIT_TEST(emptyValueIsNotText);
    CPPUNIT_TEST(maxRemovalsMustBeAWholeNumber);
    CPPUNIT_TEST(maxRemovalsMustNotBeNegativeOrHuge);
    CPPUNIT_TEST(roleAndLogLevelMustBeKnownWords);
    CPPUNIT_TEST(undefinedVariableIsNamedWithItsPlace);
    CPPUNIT_TEST(badDollarIsExplained);
    CPPUNIT_TEST(secretValuesAreRedacted);
    CPPUNIT_TEST(databaseNeedsAKnownSchemeAndNeverLeaksIt);
    CPPUNIT_TEST(accountMustBeNonEmptyWithoutWhitespace);
    CPPUNIT_TEST(terminalNeedsARelay);
    CPPUNIT_TEST(relayHasNoStoresDepartmentOrRelay);
    CPPUNIT_TEST(storePrefixesAreUniqueAndNonEmpty);
    CPPUNIT_TEST(pluginNameIsRequired);
    CPPUNIT_TEST_SUITE_END();

public:
    void errorCarriesPositionKeyPathAndProblem() {
        const std::string yaml = terminalWith("gone_entity: mark", "gone_entity: delete");
        CPPUNIT_ASSERT_EQUAL(
            std::string("r1.yaml:21:16: sync.gone_entity: expected one of mark, remove, got 'delete'"),
            profileErrorOf(yaml));
        try {
            parseProfile(yaml, "r1.yaml", fakeEnvironment());
            CPPUNIT_FAIL("expected a ProfileError");
        } catch (const ProfileError& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml"), e.position().file);
            CPPUNIT_ASSERT_EQUAL(21, e.position().line);
            CPPUNIT_ASSERT_EQUAL(16, e.position().column);
            CPPUNIT_ASSERT_EQUAL(std::string("sync.gone_entity"), e.keyPath());
            CPPUNIT_ASSERT_EQUAL(std::string("expected one of mark, remove, got 'delete'"),
                                 e.problem());
        }
    }

    void unsupportedVersionIsNamed() {
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:1:12: relaysync: unsupported profile format "
                                         "version '2'; this relaysync reads version 1"),
                             profileErrorOf(terminalWith("relaysync: 1", "relaysync: 2")));
        // Checked before unknown keys: a newer format's new keys are explained by its version.
        const std::string newer = terminalWith("relaysync: 1", "relaysync: 2\narchive: 30d");
        RS_ASSERT_CONTAINS(profileErrorOf(newer), "version '2'");
        RS_ASSERT_CONTAINS(profileErrorOf(terminalWith("relaysync: 1", "relaysync: one")),
                           "version 'one'");
    }

    void missingVersionIsReported() {
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml: relaysync: required key is missing (the "
                                         "profile format version: write 'relaysync: 1')"),
                             profileErrorOf(terminalWith("relaysync: 1\n", "")));
    }

    void missingKeyNamesTheParentsPosition() {
        const std::string yaml = terminalWith("  account: client11@relay-server1.net\n", "");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:2:1: node.account: required key is missing"),
                             profileErrorOf(yaml));
        const std::string no_prefix = terminalWith("  - prefix: \"c:\"\n    plugin: local",
                                                   "  - plugin: local");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:14:5: stores[0].prefix: required key is missing"),
                             profileErrorOf(no_prefix));
    }

    void missingTopLevelKeyNamesTheFile() {
        const std::string yaml =
            terminalWith("database: sqlite:${RELAYSYNC_DATA}/client11.db\n", "");
        CPPUNIT_ASSERT_EQUAL(std::string("config/c11.yaml: database: required key is missing"),
                             profileErrorOf(yaml, "config/c11.yaml"));
    }

    void unknownTopLevelKeyListsAllowedKeys() {
        const std::string message = profileErrorOf(terminalWith("\nsync:", "\nsycn:"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("r1.yaml:20:1: sycn: unknown key (did you mean 'sync'?); allowed keys here: "
                        "relaysync, node, database, transport, stores, checker, sync, groups, retention, limits, plugins, "
                        "log, admin, metrics, remote_access"),
            message);
        // No suggestion for a word that resembles nothing.
        const std::string far = profileErrorOf(terminalWith("\nsync:", "\nexpiry: 5\nsync:"));
        RS_ASSERT_CONTAINS(far, "r1.yaml:20:1: expiry: unknown key; allowed keys here:");
    }

    void unknownNestedKeySuggestsTheIntendedOne() {
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:10:3: transport.plugn: unknown key (did you "
                                         "mean 'plugin'?); allowed keys here: plugin, config"),
                             profileErrorOf(terminalWith("  plugin: direct", "  plugn: direct")));
        const std::string node = profileErrorOf(terminalWith("  department:", "  departement:"));
        RS_ASSERT_CONTAINS(node, "r1.yaml:6:3: node.departement: unknown key (did you mean "
                                 "'department'?); allowed keys here: role, account, "
                                 "display_name, department, relay");
    }

    void unknownStoreKeyIsRejected() {
        const std::string yaml = terminalWith("    plugin: local", "    plugin: local\n    readonly: yes");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:16:5: stores[0].readonly: unknown key; allowed "
                                         "keys here: prefix, plugin, config"),
                             profileErrorOf(yaml));
    }

    void duplicateKeyIsRejected() {
        const std::string yaml = terminalWith("  department: Sales", "  department: Sales\n  role: relay");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:7:3: node.role: duplicate key (first at line 3)"),
                             profileErrorOf(yaml));
        const std::string in_config =
            terminalWith("    listen: 127.0.0.1:7111", "    listen: a\n    listen: b");
        RS_ASSERT_CONTAINS(profileErrorOf(in_config),
                           "r1.yaml:13:5: transport.config.listen: duplicate key");
    }

    void yamlSyntaxErrorHasFileLineAndColumn() {
        // A key indented one space too far under a scalar value.
        const std::string yaml = terminalWith("  role: terminal", "  role: terminal\n   bad: 1");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:4:7: YAML syntax error: illegal map value"),
                             profileErrorOf(yaml));
        const std::string unclosed = terminalWith("[/opt/relaysync/plugins]", "[/opt/relaysync");
        CPPUNIT_ASSERT_EQUAL(
            std::string("r1.yaml:25:4: YAML syntax error: end of sequence flow not found"),
            profileErrorOf(unclosed));
    }

    void strayCommaIsASyntaxErrorNotAHang() {
        // yaml-cpp 0.7's LoadAll never returns on these (found by tests/fuzz/fuzz_profile).
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:1:1: YAML syntax error: unexpected ','"), profileErrorOf(","));
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:2:1: YAML syntax error: unexpected ','"),
                             profileErrorOf("[relaysync]\n,\n"));
    }

    void missingFileNamesFileAndReason() {
        try {
            loadProfile("/nonexistent/relaysync/r9.yaml");
            CPPUNIT_FAIL("expected a ProfileError");
        } catch (const ProfileError& e) {
            CPPUNIT_ASSERT_EQUAL(
                std::string("/nonexistent/relaysync/r9.yaml: cannot open: No such file or directory"),
                std::string(e.what()));
        }
    }

    void directoryIsNotAProfile() {
        const std::string dir = std::filesystem::temp_directory_path().string();
        try {
            loadProfile(dir);
            CPPUNIT_FAIL("expected a ProfileError");
        } catch (const ProfileError& e) {
            RS_ASSERT_CONTAINS(e.what(), dir + ": cannot read: Is a directory");
        }
    }

    void emptyOrMultiDocumentFilesAreRejected() {
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml: the profile is empty (expected 'relaysync: 1' "
                                         "and the node's keys)"),
                             profileErrorOf("# nothing here yet\n"));
        const std::string two = kTerminalProfile + "---\n" + kRelayProfile;
        RS_ASSERT_CONTAINS(profileErrorOf(two),
                           "r1.yaml:29:1: a profile holds one YAML document, found 2");
    }

    void topLevelMustBeAMapping() {
        CPPUNIT_ASSERT_EQUAL(
            std::string("r1.yaml:1:1: expected a mapping (key: value lines), got a list"),
            profileErrorOf("- relaysync: 1\n"));
    }

    void listWhereAValueIsExpected() {
        CPPUNIT_ASSERT_EQUAL(
            std::string("r1.yaml:4:12: node.account: expected a single value, got a list"),
            profileErrorOf(terminalWith("client11@relay-server1.net", "[a@b, c@d]")));
        const std::string config = terminalWith("127.0.0.1:7111", "{host: 127.0.0.1}");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:12:13: transport.config.listen: expected a "
                                         "single value, got a mapping"),
                             profileErrorOf(config));
    }

    void valueWhereAMappingOrListIsExpected() {
        const std::string transport = terminalWith(
            "transport:\n  plugin: direct\n  config:\n    listen: 127.0.0.1:7111\n",
            "transport: direct\n");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:9:12: transport: expected a mapping (key: "
                                         "value lines), got a single value"),
                             profileErrorOf(transport));
        const std::string paths = terminalWith("[/opt/relaysync/plugins]", "/opt/relaysync/plugins");
        CPPUNIT_ASSERT_EQUAL(
            std::string("r1.yaml:24:10: plugins.paths: expected a list, got a single value"),
            profileErrorOf(paths));
    }

    void emptyValueIsNotText() {
        const std::string yaml = terminalWith("    listen: 127.0.0.1:7111", "    listen:");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:12:5: transport.config.listen: expected a value, "
                                         "got nothing (write \"\" for empty text)"),
                             profileErrorOf(yaml));
    }

    void maxRemovalsMustBeAWholeNumber() {
        const std::string words = terminalWith("max_removals_per_check: 100", "max_removals_per_check: many");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:22:27: sync.max_removals_per_check: expected a "
                                         "whole number, got 'many'"),
                             profileErrorOf(words));
        const std::string fraction = terminalWith("max_removals_per_check: 100", "max_removals_per_check: 1.5");
        RS_ASSERT_CONTAINS(profileErrorOf(fraction), "expected a whole number, got '1.5'");
        const std::string list = terminalWith("max_removals_per_check: 100", "max_removals_per_check: [1]");
        RS_ASSERT_CONTAINS(profileErrorOf(list),
                           "sync.max_removals_per_check: expected a single value, got a list");
    }

    void maxRemovalsMustNotBeNegativeOrHuge() {
        const std::string negative = terminalWith("max_removals_per_check: 100", "max_removals_per_check: -1");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:22:27: sync.max_removals_per_check: must not be "
                                         "negative, got '-1'"),
                             profileErrorOf(negative));
        const std::string huge = terminalWith("max_removals_per_check: 100",
                                              "max_removals_per_check: 99999999999999999999999");
        RS_ASSERT_CONTAINS(profileErrorOf(huge), "sync.max_removals_per_check: is too large");
    }

    void roleAndLogLevelMustBeKnownWords() {
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:3:9: node.role: expected one of relay, terminal, "
                                         "got 'client'"),
                             profileErrorOf(terminalWith("role: terminal", "role: client")));
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:26:10: log.level: expected one of fatal, critical, "
                                         "error, warning, notice, information, debug, trace, got "
                                         "'info'"),
                             profileErrorOf(terminalWith("level: information", "level: info")));
    }

    void undefinedVariableIsNamedWithItsPlace() {
        const std::string yaml = terminalWith("${RELAYSYNC_DATA}/client11/c", "${CLIENT_ROOT}/c");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:17:13: stores[0].config.root: environment "
                                         "variable 'CLIENT_ROOT' is not set (in '${CLIENT_ROOT}/c')"),
                             profileErrorOf(yaml));
        // The first use of an unset RELAYSYNC_DATA is the database, whose value is never quoted.
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:8:11: database: environment variable "
                                         "'RELAYSYNC_DATA' is not set (in <redacted>)"),
                             profileErrorOf(kTerminalProfile, "r1.yaml", fakeEnvironment({})));
    }

    void badDollarIsExplained() {
        const std::string lone = terminalWith("    listen: 127.0.0.1:7111", "    listen: $HOST:7111");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:12:13: transport.config.listen: a '$' must start "
                                         "'${NAME}' or be doubled as '$$' (in '$HOST:7111')"),
                             profileErrorOf(lone));
        const std::string unclosed = terminalWith("display_name: \"Tokyo PC 11\"",
                                                  "display_name: \"${SITE PC 11\"");
        RS_ASSERT_CONTAINS(profileErrorOf(unclosed),
                           "r1.yaml:5:17: node.display_name: '${' without a closing '}'");
    }

    void secretValuesAreRedacted() {
        const std::string password = terminalWith(
            "    listen: 127.0.0.1:7111", "    listen: 127.0.0.1:7111\n    password: hunter$2");
        const std::string message = profileErrorOf(password);
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:13:15: transport.config.password: a '$' must "
                                         "start '${NAME}' or be doubled as '$$' (in <redacted>)"),
                             message);
        RS_ASSERT_NOT_CONTAINS(message, "hunter");

        const std::string key = terminalWith(
            "    root: ${RELAYSYNC_DATA}/client11/c",
            "    root: ${RELAYSYNC_DATA}/client11/c\n      tls_private_key: \"-----BEGIN${X\"");
        const std::string key_message = profileErrorOf(key);
        RS_ASSERT_CONTAINS(key_message, "stores[0].config.tls_private_key: '${' without a "
                                        "closing '}' (in <redacted>)");
        RS_ASSERT_NOT_CONTAINS(key_message, "BEGIN");

        for (const char* name : {"Passphrase", "client_secret", "SMB_PASSWORD", "api_key"}) {
            const std::string yaml = terminalWith(
                "    listen: 127.0.0.1:7111",
                std::string("    listen: 127.0.0.1:7111\n    ") + name + ": s3cr3t$x");
            const std::string text = profileErrorOf(yaml);
            RS_ASSERT_CONTAINS(text, "<redacted>");
            RS_ASSERT_NOT_CONTAINS(text, "s3cr3t");
        }
    }

    void databaseNeedsAKnownSchemeAndNeverLeaksIt() {
        const std::string url = terminalWith("sqlite:${RELAYSYNC_DATA}/client11.db",
                                             "postgres://relay:hunter2@db/relaysync");
        const std::string message = profileErrorOf(url);
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:8:11: database: expected 'sqlite:<file>' or "
                                         "'postgresql:<connection string>', got scheme "
                                         "'postgres'"),
                             message);
        RS_ASSERT_NOT_CONTAINS(message, "hunter2");
        // A mistyped ':' puts the whole connection string before the first ':' (found by
        // fuzz_profile): that prefix is no scheme and is never quoted.
        const std::string typo = terminalWith("sqlite:${RELAYSYNC_DATA}/client11.db",
                                              "\"postgresql~host=db password=hunter2 options:x\"");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:8:11: database: expected 'sqlite:<file>' or "
                                         "'postgresql:<connection string>', got no known scheme"),
                             profileErrorOf(typo));
        const std::string bare = terminalWith("sqlite:${RELAYSYNC_DATA}/client11.db", "client11.db");
        RS_ASSERT_CONTAINS(profileErrorOf(bare), "database: expected 'sqlite:<file>' or "
                                                 "'postgresql:<connection string>', got no scheme");
        const std::string empty_file = terminalWith("sqlite:${RELAYSYNC_DATA}/client11.db", "\"sqlite:\"");
        RS_ASSERT_CONTAINS(profileErrorOf(empty_file),
                           "r1.yaml:8:11: database: 'sqlite:' needs a file name after it");
        const std::string empty_pg = terminalWith("sqlite:${RELAYSYNC_DATA}/client11.db", "\"postgresql:\"");
        RS_ASSERT_CONTAINS(profileErrorOf(empty_pg), "'postgresql:' needs a connection string");
    }

    void accountMustBeNonEmptyWithoutWhitespace() {
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:4:12: node.account: must not be empty"),
                             profileErrorOf(terminalWith("client11@relay-server1.net", "\"\"")));
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:4:12: node.account: an account must not contain "
                                         "whitespace, got 'client 11@relay-server1.net'"),
                             profileErrorOf(terminalWith("client11@relay-server1.net",
                                                         "\"client 11@relay-server1.net\"")));
        RS_ASSERT_CONTAINS(profileErrorOf(terminalWith("relay: relay-server1@net", "relay: \"r 1\"")),
                           "r1.yaml:7:10: node.relay: an account must not contain whitespace");
    }

    void terminalNeedsARelay() {
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:2:1: node.relay: required key is missing (a "
                                         "terminal names its site's relay)"),
                             profileErrorOf(terminalWith("  relay: relay-server1@net\n", "")));
        RS_ASSERT_CONTAINS(
            profileErrorOf(terminalWith("relay: relay-server1@net", "relay: client11@relay-server1.net")),
            "r1.yaml:7:10: node.relay: a terminal's relay must be another account");
    }

    void relayHasNoStoresDepartmentOrRelay() {
        const std::string stores = kRelayProfile + "stores:\n  - prefix: \"c:\"\n    plugin: local\n";
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:11:1: stores: only a terminal has stores; a relay "
                                         "owns no resource entities"),
                             profileErrorOf(stores));
        std::string department = kRelayProfile;
        department.replace(department.find("  display_name"), 0, "  department: Sales\n");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:5:3: node.department: only a terminal has a "
                                         "department; remove it"),
                             profileErrorOf(department));
        std::string relay = kRelayProfile;
        relay.replace(relay.find("  display_name"), 0, "  relay: relay-server2@net\n");
        RS_ASSERT_CONTAINS(profileErrorOf(relay),
                           "r1.yaml:5:3: node.relay: a relay has no relay of its own");
        // An empty list says nothing wrong.
        CPPUNIT_ASSERT_NO_THROW(parseProfile(kRelayProfile + "stores: []\n", "r1.yaml", fakeEnvironment()));
    }

    void storePrefixesAreUniqueAndNonEmpty() {
        const std::string twice = terminalWith("checker:", R"(  - prefix: "c:"
    plugin: local
    config: {root: /other}
checker:)");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:18:13: stores[1].prefix: prefix 'c:' is already "
                                         "used by stores[0].prefix (line 14)"),
                             profileErrorOf(twice));
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:14:13: stores[0].prefix: must not be empty"),
                             profileErrorOf(terminalWith("prefix: \"c:\"", "prefix: \"\"")));
        const std::string not_a_list = terminalWith("  - prefix: \"c:\"", "    prefix: \"c:\"");
        RS_ASSERT_CONTAINS(profileErrorOf(not_a_list),
                           "r1.yaml:14:5: stores: expected a list, got a mapping");
    }

    void pluginNameIsRequired() {
        const std::string missing = terminalWith("checker:\n  plugin: timestamp-size",
                                                 "checker:\n  config: {}");
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:18:1: checker.plugin: required key is missing"),
                             profileErrorOf(missing));
        RS_ASSERT_CONTAINS(profileErrorOf(terminalWith("plugin: direct", "plugin: \"\"")),
                           "r1.yaml:10:11: transport.plugin: must not be empty");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProfileErrorsTest);

}  // namespace relaysync::core::test
