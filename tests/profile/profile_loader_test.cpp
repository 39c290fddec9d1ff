// Profiles that load: every key read, defaults applied, positions recorded.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "profile/profile_loader.h"
#include "profile_test_support.h"

namespace relaysync::core::test {

class ProfileLoaderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ProfileLoaderTest);
    CPPUNIT_TEST(readsEveryKeyOfATerminal);
    CPPUNIT_TEST(appliesDefaultsToAMinimalRelay);
    CPPUNIT_TEST(readsDeferralAndAdminLimits);
    CPPUNIT_TEST(recordsOneBasedPositions);
    CPPUNIT_TEST(expandsVariablesInPluginConfig);
    CPPUNIT_TEST(pluginConfigKeepsNumbersAndBooleansAsText);
    CPPUNIT_TEST(readsRemoveModeAndZeroLimit);
    CPPUNIT_TEST(acceptsPostgresqlDatabase);
    CPPUNIT_TEST(acceptsSeveralStoresAndAPluginPath);
    CPPUNIT_TEST(loadsFromAFileAndRecordsTheSource);
    CPPUNIT_TEST(sourcePositionPrintsWhatIsKnown);
    CPPUNIT_TEST(enumNamesMatchTheProfileWords);
    CPPUNIT_TEST(readsLogRotationAndAdminGroup);
    CPPUNIT_TEST(adminSocketFieldsNeedOnlyTheirOwnVariables);
    CPPUNIT_TEST_SUITE_END();

public:
    void readsEveryKeyOfATerminal() {
        const Profile p = parseProfile(kTerminalProfile, "client11.yaml", fakeEnvironment());
        CPPUNIT_ASSERT_EQUAL(std::string("client11.yaml"), p.source);
        CPPUNIT_ASSERT(p.role == NodeRole::terminal);
        CPPUNIT_ASSERT_EQUAL(std::string("client11@relay-server1.net"), p.account);
        CPPUNIT_ASSERT_EQUAL(std::string("Tokyo PC 11"), p.display_name);
        CPPUNIT_ASSERT_EQUAL(std::string("Sales"), p.department);
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server1@net"), p.relay);
        CPPUNIT_ASSERT_EQUAL(std::string("sqlite:/srv/relaysync/client11.db"), p.database);
        CPPUNIT_ASSERT_EQUAL(std::string("direct"), p.transport.plugin);
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:7111"), p.transport.config.at("listen"));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, p.stores.size());
        CPPUNIT_ASSERT_EQUAL(std::string("c:"), p.stores[0].prefix);
        CPPUNIT_ASSERT_EQUAL(std::string("local"), p.stores[0].plugin.plugin);
        CPPUNIT_ASSERT_EQUAL(std::string("/srv/relaysync/client11/c"),
                             p.stores[0].plugin.config.at("root"));
        CPPUNIT_ASSERT_EQUAL(std::string("timestamp-size"), p.checker.plugin);
        CPPUNIT_ASSERT(p.gone_entity == GoneEntityMode::mark);
        CPPUNIT_ASSERT_EQUAL(std::size_t{100}, p.max_removals_per_check);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, p.plugin_paths.size());
        CPPUNIT_ASSERT_EQUAL(std::string("/opt/relaysync/plugins"), p.plugin_paths[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("information"), p.log.level);
        CPPUNIT_ASSERT_EQUAL(std::string("/var/log/relaysync/client11.log"), p.log.file);
    }

    void appliesDefaultsToAMinimalRelay() {
        const std::string minimal = R"(relaysync: 1
node:
  role: relay
  account: relay-server9@net
database: sqlite:relay9.db
transport:
  plugin: sip
)";
        const Profile p = parseProfile(minimal, "relay9.yaml", fakeEnvironment({}));
        CPPUNIT_ASSERT(p.role == NodeRole::relay);
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server9@net"), p.display_name);
        CPPUNIT_ASSERT(p.department.empty());
        CPPUNIT_ASSERT(p.relay.empty());
        CPPUNIT_ASSERT(p.transport.config.empty());
        CPPUNIT_ASSERT(p.stores.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("timestamp-size"), p.checker.plugin);
        CPPUNIT_ASSERT(p.checker.config.empty());
        CPPUNIT_ASSERT(p.gone_entity == GoneEntityMode::mark);
        CPPUNIT_ASSERT_EQUAL(std::size_t{100}, p.max_removals_per_check);
        CPPUNIT_ASSERT(p.plugin_paths.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("information"), p.log.level);
        CPPUNIT_ASSERT(p.log.file.empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t{50}, p.deferred_messages_per_sender);
        CPPUNIT_ASSERT_EQUAL(std::size_t{64 * 1024 * 1024}, p.deferred_bytes);
    }

    void readsLogRotationAndAdminGroup() {
        const std::string text = "relaysync: 1\nnode: {role: relay, account: relay-server9@net}\n"
                                 "database: sqlite:relay9.db\ntransport: {plugin: sip}\n";
        const Profile plain = parseProfile(text, "relay9.yaml", fakeEnvironment({}));
        CPPUNIT_ASSERT(!plain.log.external_rotation);
        CPPUNIT_ASSERT(plain.admin.group.empty());
        const Profile packaged = parseProfile(text + "log: {file: /var/log/r.log, rotation: external}\n"
                                                     "admin: {group: relaysync}\n",
                                              "relay9.yaml", fakeEnvironment({}));
        CPPUNIT_ASSERT(packaged.log.external_rotation);
        CPPUNIT_ASSERT_EQUAL(std::string("relaysync"), packaged.admin.group);
        try {
            parseProfile(text + "log: {rotation: daily}\n", "relay9.yaml", fakeEnvironment({}));
            CPPUNIT_FAIL("rotation: daily was taken");
        } catch (const std::exception& e) {
            RS_ASSERT_CONTAINS(std::string(e.what()), "log.rotation");
        }
    }

    // relaysync-admin finds the socket without the variables only the daemon's other keys use.
    void adminSocketFieldsNeedOnlyTheirOwnVariables() {
        const auto path = std::filesystem::temp_directory_path() / "relaysync-admin-fields.yaml";
        std::ofstream(path) << "relaysync: 1\nnode: {role: relay, account: relay-server9@net}\n"
                               "database: sqlite:${RELAYSYNC_DATA}/relay9.db\n"
                               "transport: {plugin: direct, config: {certificate: \"${CERTS}/r.pem\"}}\n";
        const auto fields = loadAdminSocketFields(path.string(), fakeEnvironment());
        CPPUNIT_ASSERT_EQUAL(std::string("sqlite:/srv/relaysync/relay9.db"), fields.database);
        CPPUNIT_ASSERT(fields.admin_socket.empty());
        std::ofstream(path, std::ios::app) << "admin: {socket: /run/r9.sock}\n";
        const auto named = loadAdminSocketFields(path.string(), fakeEnvironment({}));
        CPPUNIT_ASSERT_EQUAL(std::string("/run/r9.sock"), named.admin_socket);
        try {
            std::ofstream(path) << "relaysync: 1\ndatabase: sqlite:${RELAYSYNC_DATA}/relay9.db\n";
            loadAdminSocketFields(path.string(), fakeEnvironment({}));
            CPPUNIT_FAIL("an unset variable the socket depends on was taken");
        } catch (const std::exception& e) {
            RS_ASSERT_CONTAINS(std::string(e.what()), "RELAYSYNC_DATA");
        }
        std::filesystem::remove(path);
    }

    void readsDeferralAndAdminLimits() {
        const std::string text = R"(relaysync: 1
node:
  role: relay
  account: relay-server9@net
database: sqlite:relay9.db
transport:
  plugin: sip
limits:
  deferred_messages_per_sender: 5
  deferred_bytes_per_sender: 5000000
  deferred_messages: 20
  deferred_bytes: 9000000
)";
        const Profile p = parseProfile(text, "relay9.yaml", fakeEnvironment({}));
        CPPUNIT_ASSERT_EQUAL(std::size_t{5}, p.deferred_messages_per_sender);
        CPPUNIT_ASSERT_EQUAL(std::size_t{5000000}, p.deferred_bytes_per_sender);
        CPPUNIT_ASSERT_EQUAL(std::size_t{20}, p.deferred_messages);
        CPPUNIT_ASSERT_EQUAL(std::size_t{9000000}, p.deferred_bytes);
        const auto with_admin = text + "admin:\n  read_timeout_ms: 2500\n  max_connections: 8\n  workers: 2\n";
        const Profile q = parseProfile(with_admin, "relay9.yaml", fakeEnvironment({}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2500}, q.admin.read_timeout_ms);
        CPPUNIT_ASSERT_EQUAL(std::size_t{8}, q.admin.max_connections);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, q.admin.workers);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1024 * 1024}, q.admin.max_request_bytes);
        try {
            parseProfile(text + "admin:\n  workers: 0\n", "relay9.yaml", fakeEnvironment({}));
            CPPUNIT_FAIL("no workers was taken");
        } catch (const std::exception& e) {
            RS_ASSERT_CONTAINS(std::string(e.what()), "workers must be between 1 and 64");
        }
        const auto small = text.substr(0, text.find("  deferred_bytes_per_sender")) + "  deferred_bytes_per_sender: 10\n";
        try {
            parseProfile(small, "relay9.yaml", fakeEnvironment({}));
            CPPUNIT_FAIL("a bound below one largest message was taken");
        } catch (const std::exception& e) {
            RS_ASSERT_CONTAINS(std::string(e.what()), "deferred_bytes_per_sender must be at least 4194304");
        }
    }

    void recordsOneBasedPositions() {
        const Profile p = parseProfile(kTerminalProfile, "c11.yaml", fakeEnvironment());
        CPPUNIT_ASSERT_EQUAL(std::string("c11.yaml:10:3"), p.transport.position.toString());
        CPPUNIT_ASSERT_EQUAL(std::string("c11.yaml:12:5"),
                             p.transport.key_positions.at("listen").toString());
        CPPUNIT_ASSERT_EQUAL(std::string("c11.yaml:15:5"),
                             p.stores[0].plugin.position.toString());
        CPPUNIT_ASSERT_EQUAL(std::string("c11.yaml:17:7"),
                             p.stores[0].plugin.key_positions.at("root").toString());
        CPPUNIT_ASSERT_EQUAL(std::string("c11.yaml:19:3"), p.checker.position.toString());
    }

    void expandsVariablesInPluginConfig() {
        const std::string yaml = terminalWith("    listen: 127.0.0.1:7111",
                                              "    listen: ${HOST}:${PORT}\n"
                                              "    password: \"pa$$word\"");
        const Profile p = parseProfile(
            yaml, "t.yaml",
            fakeEnvironment({{"RELAYSYNC_DATA", "/d"}, {"HOST", "10.0.0.1"}, {"PORT", "5061"}}));
        CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.1:5061"), p.transport.config.at("listen"));
        CPPUNIT_ASSERT_EQUAL(std::string("pa$word"), p.transport.config.at("password"));
        CPPUNIT_ASSERT_EQUAL(std::string("sqlite:/d/client11.db"), p.database);
    }

    void pluginConfigKeepsNumbersAndBooleansAsText() {
        const std::string yaml = terminalWith("    listen: 127.0.0.1:7111",
                                              "    port: 5060\n    tls: true\n    empty: \"\"");
        const Profile p = parseProfile(yaml, "t.yaml", fakeEnvironment());
        CPPUNIT_ASSERT_EQUAL(std::string("5060"), p.transport.config.at("port"));
        CPPUNIT_ASSERT_EQUAL(std::string("true"), p.transport.config.at("tls"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), p.transport.config.at("empty"));
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, p.transport.key_positions.size());
    }

    void readsRemoveModeAndZeroLimit() {
        std::string yaml = terminalWith("gone_entity: mark", "gone_entity: remove");
        const auto at = yaml.find("max_removals_per_check: 100");
        yaml.replace(at, 27, "max_removals_per_check: 0");
        const Profile p = parseProfile(yaml, "t.yaml", fakeEnvironment());
        CPPUNIT_ASSERT(p.gone_entity == GoneEntityMode::remove);
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, p.max_removals_per_check);
    }

    void acceptsPostgresqlDatabase() {
        const std::string yaml =
            terminalWith("database: sqlite:${RELAYSYNC_DATA}/client11.db",
                         "database: \"postgresql:host=db user=relay password=${PGPASSWORD}\"");
        const Profile p = parseProfile(
            yaml, "t.yaml", fakeEnvironment({{"RELAYSYNC_DATA", "/d"}, {"PGPASSWORD", "s3"}}));
        CPPUNIT_ASSERT_EQUAL(std::string("postgresql:host=db user=relay password=s3"),
                             p.database);
    }

    void acceptsSeveralStoresAndAPluginPath() {
        std::string yaml = terminalWith("checker:", R"(  - prefix: "network/z:"
    plugin: /opt/vendor/libstorage_smb.so
    config: {share: "//fs/z", user: "${SMB_USER}"}
checker:)");
        const auto at = yaml.find("  paths: [/opt/relaysync/plugins]");
        yaml.replace(at, 33, "  paths:\n    - /opt/a\n    - ${RELAYSYNC_DATA}/plugins");
        const Profile p = parseProfile(
            yaml, "t.yaml", fakeEnvironment({{"RELAYSYNC_DATA", "/d"}, {"SMB_USER", "svc"}}));
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, p.stores.size());
        CPPUNIT_ASSERT_EQUAL(std::string("network/z:"), p.stores[1].prefix);
        CPPUNIT_ASSERT_EQUAL(std::string("/opt/vendor/libstorage_smb.so"),
                             p.stores[1].plugin.plugin);
        CPPUNIT_ASSERT_EQUAL(std::string("//fs/z"), p.stores[1].plugin.config.at("share"));
        CPPUNIT_ASSERT_EQUAL(std::string("svc"), p.stores[1].plugin.config.at("user"));
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, p.plugin_paths.size());
        CPPUNIT_ASSERT_EQUAL(std::string("/d/plugins"), p.plugin_paths[1]);
    }

    void loadsFromAFileAndRecordsTheSource() {
        const auto dir = std::filesystem::temp_directory_path() / "relaysync-profile-test";
        std::filesystem::create_directories(dir);
        const std::string path = (dir / "client11.yaml").string();
        std::ofstream(path) << kTerminalProfile;
        const Profile p = loadProfile(path, fakeEnvironment());
        CPPUNIT_ASSERT_EQUAL(path, p.source);
        CPPUNIT_ASSERT_EQUAL(path + ":10:3", p.transport.position.toString());
        std::filesystem::remove_all(dir);
    }

    void sourcePositionPrintsWhatIsKnown() {
        CPPUNIT_ASSERT_EQUAL(std::string("config/r1.yaml:12:5"),
                             (SourcePosition{"config/r1.yaml", 12, 5}.toString()));
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml:12"), (SourcePosition{"r1.yaml", 12, 0}.toString()));
        CPPUNIT_ASSERT_EQUAL(std::string("r1.yaml"), (SourcePosition{"r1.yaml", 0, 0}.toString()));
        CPPUNIT_ASSERT_EQUAL(std::string("<profile>:3:1"), (SourcePosition{"", 3, 1}.toString()));
    }

    void enumNamesMatchTheProfileWords() {
        CPPUNIT_ASSERT(toString(NodeRole::relay) == "relay");
        CPPUNIT_ASSERT(toString(NodeRole::terminal) == "terminal");
        CPPUNIT_ASSERT(toString(GoneEntityMode::mark) == "mark");
        CPPUNIT_ASSERT(toString(GoneEntityMode::remove) == "remove");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProfileLoaderTest);

}  // namespace relaysync::core::test
