// The example profiles in config/four-site load and describe the four-site topology of docs/demo.md:
// relays R1..R4 (Tokyo, Osaka, Nagoya, Fukuoka), two terminals per site, file servers at
// Tokyo and Nagoya only.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <map>
#include <set>

#include "profile/profile_loader.h"
#include "profile_test_support.h"

namespace relaysync::core::test {
namespace {

const std::filesystem::path kFourSiteDir =
    std::filesystem::path(RELAYSYNC_SOURCE_DIR) / "config" / "four-site";
const char* const kData = "/tmp/relaysync-four-site-data";

Profile loadExample(const std::string& name) {
    return loadProfile((kFourSiteDir / (name + ".yaml")).string());
}

}  // namespace

class FourSiteProfilesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FourSiteProfilesTest);
    CPPUNIT_TEST(everyFileInTheFolderLoads);
    CPPUNIT_TEST(relaysHaveTheSiteNames);
    CPPUNIT_TEST(terminalsRegisterWithTheirSitesRelay);
    CPPUNIT_TEST(fileServerStoresOnlyAtTokyoAndNagoya);
    CPPUNIT_TEST(listenPortsAndDatabasesAreDistinct);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        ::setenv("RELAYSYNC_DATA", kData, 1);
        ::setenv("RELAYSYNC_CERTS", "/etc/relaysync/certs", 1);
    }

    void everyFileInTheFolderLoads() {
        std::set<std::string> names;
        for (const auto& entry : std::filesystem::directory_iterator(kFourSiteDir)) {
            if (entry.path().extension() != ".yaml") continue;
            try {
                const Profile p = loadProfile(entry.path().string());
                CPPUNIT_ASSERT_EQUAL(entry.path().string(), p.source);
                CPPUNIT_ASSERT(p.gone_entity == GoneEntityMode::mark);
                CPPUNIT_ASSERT_EQUAL(std::size_t{100}, p.max_removals_per_check);
                CPPUNIT_ASSERT_EQUAL(std::string("direct"), p.transport.plugin);
                CPPUNIT_ASSERT_EQUAL(std::string("timestamp-size"), p.checker.plugin);
            } catch (const ProfileError& e) {
                CPPUNIT_FAIL(e.what());
            }
            names.insert(entry.path().stem().string());
        }
        const std::set<std::string> expected = {
            "relay1",   "relay2",   "relay3",   "relay4",   "client11", "client12",
            "client21", "client22", "client31", "client32", "client41", "client42"};
        CPPUNIT_ASSERT(names == expected);
    }

    void relaysHaveTheSiteNames() {
        const char* const cities[] = {"Tokyo", "Osaka", "Nagoya", "Fukuoka"};
        for (int site = 1; site <= 4; ++site) {
            const Profile p = loadExample("relay" + std::to_string(site));
            CPPUNIT_ASSERT(p.role == NodeRole::relay);
            CPPUNIT_ASSERT_EQUAL("relay-server" + std::to_string(site) + "@net", p.account);
            CPPUNIT_ASSERT_EQUAL(std::string(cities[site - 1]), p.display_name);
            CPPUNIT_ASSERT(p.stores.empty());
            CPPUNIT_ASSERT_EQUAL(std::string(kData) + "/relay" + std::to_string(site) + ".db",
                                 p.database.substr(std::string("sqlite:").size()));
        }
    }

    void terminalsRegisterWithTheirSitesRelay() {
        for (int site = 1; site <= 4; ++site) {
            for (int pc = 1; pc <= 2; ++pc) {
                const std::string node = "client" + std::to_string(site * 10 + pc);
                const Profile p = loadExample(node);
                CPPUNIT_ASSERT(p.role == NodeRole::terminal);
                CPPUNIT_ASSERT_EQUAL(node + "@relay-server" + std::to_string(site) + ".net",
                                     p.account);
                CPPUNIT_ASSERT_EQUAL("relay-server" + std::to_string(site) + "@net", p.relay);
                CPPUNIT_ASSERT(!p.department.empty());
                CPPUNIT_ASSERT_EQUAL(std::string("c:"), p.stores.at(0).prefix);
                CPPUNIT_ASSERT_EQUAL(std::string("local"), p.stores.at(0).plugin.plugin);
                CPPUNIT_ASSERT_EQUAL(std::string(kData) + "/" + node + "/c",
                                     p.stores.at(0).plugin.config.at("root"));
            }
        }
    }

    void fileServerStoresOnlyAtTokyoAndNagoya() {
        const std::map<std::string, std::string> file_servers = {
            {"client11", "fileserver-tokyo"}, {"client12", "fileserver-tokyo"},
            {"client31", "fileserver-nagoya"}, {"client32", "fileserver-nagoya"}};
        for (const char* node : {"client11", "client12", "client21", "client22", "client31",
                                 "client32", "client41", "client42"}) {
            const Profile p = loadExample(node);
            const auto server = file_servers.find(node);
            if (server == file_servers.end()) {
                CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::size_t{1}, p.stores.size());
                continue;
            }
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::size_t{2}, p.stores.size());
            CPPUNIT_ASSERT_EQUAL(std::string("network/z:"), p.stores[1].prefix);
            CPPUNIT_ASSERT_EQUAL(std::string(kData) + "/" + server->second + "/z",
                                 p.stores[1].plugin.config.at("root"));
        }
    }

    // Relays listen on distinct ports and know each other; terminals dial their own relay.
    void listenPortsAndDatabasesAreDistinct() {
        std::set<std::string> listens;
        std::set<std::string> databases;
        std::map<std::string, std::string> relay_listens;
        std::vector<Profile> terminals;
        for (const auto& entry : std::filesystem::directory_iterator(kFourSiteDir)) {
            if (entry.path().extension() != ".yaml") continue;
            const Profile p = loadProfile(entry.path().string());
            CPPUNIT_ASSERT_MESSAGE(p.source, databases.insert(p.database).second);
            if (p.role == NodeRole::relay) {
                CPPUNIT_ASSERT_MESSAGE(p.source, listens.insert(p.transport.config.at("listen")).second);
                relay_listens[p.account] = p.transport.config.at("listen");
                CPPUNIT_ASSERT_EQUAL_MESSAGE(p.source, std::size_t{2}, static_cast<std::size_t>(std::count(
                    p.transport.config.at("peers").begin(), p.transport.config.at("peers").end(), ',')));
            } else {
                CPPUNIT_ASSERT_MESSAGE(p.source, p.transport.config.count("listen") == 0);
                terminals.push_back(p);
            }
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t{4}, listens.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t{12}, databases.size());
        CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1:7101"), relay_listens.at("relay-server1@net"));
        for (const auto& t : terminals)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(t.source, t.relay + "=" + relay_listens.at(t.relay), t.transport.config.at("peers"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FourSiteProfilesTest);

}  // namespace relaysync::core::test
