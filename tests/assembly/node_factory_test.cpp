// buildNode: real profile files, the real "local" store plugin, nodes on the in-process network;
// and the errors a bad profile must give, each naming the profile file.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <optional>

#include "assembly/node_factory.h"
#include "assembly/status_view.h"
#include "assembly_test_support.h"
#include "persistence/database.h"
#include "profile/profile_loader.h"
#include "runtime/in_process_network.h"

namespace relaysync::core {
namespace {

using assemblytest::TempDir;
namespace fs = std::filesystem;

const std::string kRelay = "relay-server1@net";
const std::string kTerminal = "client11@relay-server1.net";

std::string relayProfile(const TempDir& dir) {
    return "relaysync: 1\n"
           "node:\n"
           "  role: relay\n"
           "  account: relay-server1@net\n"
           "  display_name: Tokyo\n"
           "database: sqlite:" + (dir / "relay1.db") + "\n"
           "transport:\n"
           "  plugin: direct\n"
           "  config:\n"
           "    listen: 127.0.0.1:7101\n"
           "groups:\n"
           "  terminals: [client11@relay-server1.net]\n";
}

// A terminal with one store "c:" on <dir>/c; `extra` is appended (checker:, sync:).
std::string terminalProfile(const TempDir& dir, const std::string& store_plugin = "local",
                            const std::string& extra = "") {
    return "relaysync: 1\n"
           "node:\n"
           "  role: terminal\n"
           "  account: client11@relay-server1.net\n"
           "  display_name: Tokyo PC 11\n"
           "  department: Sales\n"
           "  relay: relay-server1@net\n"
           "database: sqlite:" + (dir / "client11.db") + "\n"
           "transport:\n"
           "  plugin: direct\n"
           "  config:\n"
           "    listen: 127.0.0.1:7111\n"
           "stores:\n"
           "  - prefix: \"c:\"\n"
           "    plugin: " + store_plugin + "\n"
           "    config:\n"
           "      root: " + (dir / "c") + "\n" +
           extra;
}

PluginHost testHost() { return PluginHost({RELAYSYNC_TEST_PLUGIN_DIR}); }

template <class Error, class Action>
std::string errorOf(Action&& action) {
    try {
        action();
    } catch (const Error& e) {
        return e.what();
    }
    CPPUNIT_FAIL("expected an exception, none was thrown");
    return {};
}

class NodeFactoryTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(NodeFactoryTest);
    CPPUNIT_TEST(relayIsBuiltWithTheOverridingTransport);
    CPPUNIT_TEST(terminalMountsItsLocalStoreUnderItsPrefix);
    CPPUNIT_TEST(goneEntityMarkKeepsTheEntry);
    CPPUNIT_TEST(goneEntityRemoveDeletesTheEntry);
    CPPUNIT_TEST(checkPolicyComesFromTheProfile);
    CPPUNIT_TEST(unknownStorePluginIsAPluginErrorNamingPluginAndFile);
    CPPUNIT_TEST(aBadPluginLeavesNoDatabaseBehind);
    CPPUNIT_TEST(withoutOverrideTheProfilesTransportIsLoaded);
    CPPUNIT_TEST(unknownCheckerPluginIsAPluginError);
    CPPUNIT_TEST(builtInCheckerTakesNoConfig);
    CPPUNIT_TEST(databaseErrorNamesTheProfile);
    CPPUNIT_TEST(pluginErrorWithoutPositionGetsTheProfileName);
    CPPUNIT_TEST_SUITE_END();

public:
    void relayIsBuiltWithTheOverridingTransport() {
        TempDir dir;
        auto host = testHost();
        InProcessNetwork network;
        // "direct" is not built: the override means it is never looked for.
        const auto profile = loadProfile(dir.write("relay1.yaml", relayProfile(dir)));
        auto relay = buildNode(profile, host, network.transportFor(kRelay));
        CPPUNIT_ASSERT(relay->isRelay());
        CPPUNIT_ASSERT_EQUAL(kRelay, relay->account());
        CPPUNIT_ASSERT(fs::exists(dir / "relay1.db"));
        relay->start();
        const auto group = relay->withRelay([](RelayEngine& r) { return r.createGroup(std::nullopt); });
        const auto status = readNodeStatus(*relay);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, status.groups.size());
        CPPUNIT_ASSERT_EQUAL(group, status.groups[0].id);
        CPPUNIT_ASSERT_EQUAL(std::string("Tokyo"), status.groups[0].relays.at(0).display_name);
    }

    void terminalMountsItsLocalStoreUnderItsPrefix() {
        TempDir dir;
        dir.write("c/folderA/plan.txt", "plan\n");
        dir.write("c/folderA/notes.txt", "notes!\n");
        Pair pair(dir, terminalProfile(dir));
        const auto share = pair.share("folderA", "c:/folderA");
        const auto entries = pair.relayEntries(share);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, entries.size());
        CPPUNIT_ASSERT_EQUAL(std::string("folderA"), entries[0].name);
        CPPUNIT_ASSERT_EQUAL(kTerminal, entries[0].owner);
        CPPUNIT_ASSERT(entries[0].details.kind == sdk::EntityKind::folder);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{12}, entries[0].details.size);  // both files, aggregated
        CPPUNIT_ASSERT_EQUAL(std::string(kStatusOk), entries[0].status);
    }

    void goneEntityMarkKeepsTheEntry() {
        TempDir dir;
        dir.write("c/a.txt", "hello");
        Pair pair(dir, terminalProfile(dir, "local", "sync:\n  gone_entity: mark\n"));
        const auto share = pair.share("a.txt", "c:/a.txt");
        fs::remove(dir / "c/a.txt");
        const auto report = pair.check(share);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, report.gone);
        const auto entries = pair.relayEntries(share);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, entries.size());
        CPPUNIT_ASSERT_EQUAL(std::string(kStatusFileNotFound), entries[0].status);
    }

    void goneEntityRemoveDeletesTheEntry() {
        TempDir dir;
        dir.write("c/a.txt", "hello");
        Pair pair(dir, terminalProfile(dir, "local", "sync:\n  gone_entity: remove\n"));
        const auto share = pair.share("a.txt", "c:/a.txt");
        fs::remove(dir / "c/a.txt");
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, pair.check(share).gone);
        CPPUNIT_ASSERT(pair.relayEntries(share).empty());
    }

    void checkPolicyComesFromTheProfile() {
        TempDir dir;
        const auto profile = loadProfile(dir.write(
            "client11.yaml", terminalProfile(dir, "local", "sync:\n  gone_entity: remove\n  max_removals_per_check: 7\n")));
        const auto policy = checkPolicyOf(profile);
        CPPUNIT_ASSERT(policy.gone_entity == GoneEntityMode::remove);
        CPPUNIT_ASSERT_EQUAL(std::size_t{7}, policy.max_removals);
    }

    void unknownStorePluginIsAPluginErrorNamingPluginAndFile() {
        TempDir dir;
        auto host = testHost();
        InProcessNetwork network;
        const auto file = dir.write("client11.yaml", terminalProfile(dir, "nosuchstore"));
        const auto profile = loadProfile(file);
        const auto message =
            errorOf<PluginError>([&] { buildNode(profile, host, network.transportFor(kTerminal)); });
        RS_ASSERT_CONTAINS(message, "'nosuchstore'");
        RS_ASSERT_CONTAINS(message, file);
        RS_ASSERT_CONTAINS(message, "resource store");
    }

    void aBadPluginLeavesNoDatabaseBehind() {
        TempDir dir;
        auto host = testHost();
        InProcessNetwork network;
        const auto profile = loadProfile(dir.write("client11.yaml", terminalProfile(dir, "nosuchstore")));
        errorOf<PluginError>([&] { buildNode(profile, host, network.transportFor(kTerminal)); });
        CPPUNIT_ASSERT(!fs::exists(dir / "client11.db"));
    }

    void withoutOverrideTheProfilesTransportIsLoaded() {
        TempDir dir;
        auto host = testHost();
        const auto file = dir.write("relay1.yaml", relayProfile(dir));
        const auto message = errorOf<PluginError>([&] { buildNode(loadProfile(file), host); });
        RS_ASSERT_CONTAINS(message, "transport plugin 'direct'");
        RS_ASSERT_CONTAINS(message, file);
    }

    void unknownCheckerPluginIsAPluginError() {
        TempDir dir;
        auto host = testHost();
        InProcessNetwork network;
        const auto file =
            dir.write("client11.yaml", terminalProfile(dir, "local", "checker:\n  plugin: nosuchchecker\n"));
        const auto message = errorOf<PluginError>(
            [&] { buildNode(loadProfile(file), host, network.transportFor(kTerminal)); });
        RS_ASSERT_CONTAINS(message, "entity checker plugin 'nosuchchecker'");
        RS_ASSERT_CONTAINS(message, file);
    }

    void builtInCheckerTakesNoConfig() {
        TempDir dir;
        auto host = testHost();
        InProcessNetwork network;
        const auto file = dir.write(
            "client11.yaml", terminalProfile(dir, "local", "checker:\n  plugin: timestamp-size\n  config:\n    depth: 3\n"));
        const auto message = errorOf<ProfileError>(
            [&] { buildNode(loadProfile(file), host, network.transportFor(kTerminal)); });
        RS_ASSERT_CONTAINS(message, file);
        RS_ASSERT_CONTAINS(message, "checker.config.depth");
        RS_ASSERT_CONTAINS(message, "takes no config keys");
    }

    void databaseErrorNamesTheProfile() {
        TempDir dir;
        auto host = testHost();
        InProcessNetwork network;
        // Not a database. (A file in a missing folder would do too, but Poco's SQLite connector
        // retries opening it for its 60 s login timeout before giving up.)
        dir.write("relay1.db", "this is not an SQLite database, just text long enough to be looked at........\n");
        const auto file = dir.write("relay1.yaml", relayProfile(dir));
        const auto message = errorOf<DatabaseError>(
            [&] { buildNode(loadProfile(file), host, network.transportFor(kRelay)); });
        RS_ASSERT_CONTAINS(message, file + ": database 'sqlite:" + (dir / "relay1.db") + "'");
    }

    void pluginErrorWithoutPositionGetsTheProfileName() {
        TempDir dir;
        auto host = testHost();
        InProcessNetwork network;
        Profile profile;  // made in code: no source positions
        profile.source = "made-in-code.yaml";
        profile.role = NodeRole::terminal;
        profile.account = kTerminal;
        profile.relay = kRelay;
        profile.database = "sqlite:" + (dir / "client11.db");
        profile.stores.push_back({"c:", PluginChoice{"nosuchstore", {}, {}, {}}});
        profile.checker.plugin = "timestamp-size";
        const auto message =
            errorOf<PluginError>([&] { buildNode(profile, host, network.transportFor(kTerminal)); });
        RS_ASSERT_CONTAINS(message, "made-in-code.yaml: resource store plugin 'nosuchstore'");
    }

private:
    // A relay and one terminal built from profile files, on one in-process network, the
    // terminal admitted to a one-relay group.
    struct Pair {
        TempDir& dir;
        PluginHost host = testHost();
        InProcessNetwork network;
        std::unique_ptr<Node> relay;
        std::unique_ptr<Node> terminal;
        std::string group;

        Pair(TempDir& d, const std::string& terminal_yaml) : dir(d) {
            relay = buildNode(loadProfile(dir.write("relay1.yaml", relayProfile(dir))), host,
                              network.transportFor(kRelay));
            terminal = buildNode(loadProfile(dir.write("client11.yaml", terminal_yaml)), host,
                                 network.transportFor(kTerminal));
            CPPUNIT_ASSERT(!terminal->isRelay());
            relay->start();
            terminal->start();
            group = relay->withRelay([](RelayEngine& r) { return r.createGroup(std::nullopt); });
            relay->withRelay([&](RelayEngine& r) { r.addTerminal(group, kTerminal, "Tokyo PC 11", "Sales"); });
            network.run();
        }

        // A share of the group with one resource; returns its id.
        std::string share(const std::string& name, const std::string& location) {
            const auto id = terminal->withTerminal(
                [&](TerminalEngine& t) { return t.createShare(group, "workspace1", {}); });
            network.run();
            terminal->withTerminal([&](TerminalEngine& t) { t.addResource(id, name, location); });
            network.run();
            return id;
        }

        SyncReport check(const std::string& share_id) {
            const auto report = terminal->withTerminal([&](TerminalEngine& t) { return t.checkResources(share_id); });
            network.run();
            return report;
        }

        std::vector<ResourceEntry> relayEntries(const std::string& share_id) {
            const auto status = readNodeStatus(*relay);
            for (const auto& share : status.shares)
                if (share.share.id == share_id) return share.entries;
            CPPUNIT_FAIL("the relay does not hold share " + share_id);
            return {};
        }
    };
};

CPPUNIT_TEST_SUITE_REGISTRATION(NodeFactoryTest);

}  // namespace
}  // namespace relaysync::core
