// The profile's `remote_access:` section (terminals): every member may read when it is absent;
// levels per share and per entry; unknown keys and levels, entries not named SHARE/ENTRY, and
// the section on a relay are refused.
#include <cppunit/extensions/HelperMacros.h>

#include "profile/profile_loader.h"
#include "profile_test_support.h"

namespace relaysync::core::test {

class RemoteAccessProfileTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RemoteAccessProfileTest);
    CPPUNIT_TEST(absentSectionLetsMembersRead);
    CPPUNIT_TEST(readsLevelsPerShareAndEntry);
    CPPUNIT_TEST(badSectionsAreRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void absentSectionLetsMembersRead() {
        const Profile p = parse(kTerminal);
        CPPUNIT_ASSERT_EQUAL(std::string("read"), p.remote_access.default_level);
        CPPUNIT_ASSERT(p.remote_access.shares.empty() && p.remote_access.entries.empty());
    }

    void readsLevelsPerShareAndEntry() {
        const Profile p = parse(kTerminal + R"(remote_access:
  default: info
  shares: {workspace1: browse}
  entries: {"workspace1/budget.xls": read}
)");
        CPPUNIT_ASSERT_EQUAL(std::string("info"), p.remote_access.default_level);
        CPPUNIT_ASSERT_EQUAL(std::string("browse"), p.remote_access.shares.at("workspace1"));
        CPPUNIT_ASSERT_EQUAL(std::string("read"), p.remote_access.entries.at("workspace1/budget.xls"));
    }

    void badSectionsAreRefused() {
        refused(kTerminal + "remote_access: {defualt: read}\n", "defualt");
        refused(kTerminal + "remote_access: {default: write}\n", "write");
        refused(kTerminal + "remote_access: {entries: {budget.xls: read}}\n", "SHARE/ENTRY");
        refused(kTerminal + "remote_access: {shares: {workspace1: [read]}}\n", "workspace1");
        refused(kRelay + "remote_access: {default: read}\n", "remote_access is for terminals");
    }

private:
    static Profile parse(const std::string& yaml) { return parseProfile(yaml, "node.yaml", fakeEnvironment({})); }

    static void refused(const std::string& yaml, const std::string& expected) {
        try {
            parse(yaml);
        } catch (const std::exception& e) {
            RS_ASSERT_CONTAINS(std::string(e.what()), expected);
            return;
        }
        CPPUNIT_FAIL("taken: " + yaml);
    }

    static inline const std::string kTerminal = R"(relaysync: 1
node: {role: terminal, account: client11@relay-server1.net, relay: relay-server1@net}
database: sqlite:c11.db
transport: {plugin: direct}
)";
    static inline const std::string kRelay = R"(relaysync: 1
node: {role: relay, account: relay-server9@net}
database: sqlite:relay9.db
transport: {plugin: direct}
)";
};

CPPUNIT_TEST_SUITE_REGISTRATION(RemoteAccessProfileTest);

}  // namespace relaysync::core::test
