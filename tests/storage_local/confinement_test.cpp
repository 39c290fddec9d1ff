// No store path may reach anything outside the root: not by its spelling, not through a
// symlink at any level, not even to learn that something outside is missing.

#include "store_fixture.h"

namespace relaysync::tests {

namespace fs = std::filesystem;

class ConfinementTest : public StoreFixture {
    CPPUNIT_TEST_SUITE(ConfinementTest);
    CPPUNIT_TEST(testParentComponentsAreRefused);
    CPPUNIT_TEST(testAbsolutePathsAreRefused);
    CPPUNIT_TEST(testNulByteIsRefused);
    CPPUNIT_TEST(testOnlyOneSpellingIsAccepted);
    CPPUNIT_TEST(testSymlinkToEtcIsRefused);
    CPPUNIT_TEST(testSymlinkToSiblingWithSamePrefixIsRefused);
    CPPUNIT_TEST(testSymlinkChainLeavingTheRootIsRefused);
    CPPUNIT_TEST(testSymlinkChainStayingInsideIsAllowed);
    CPPUNIT_TEST(testSymlinkUpIsRefused);
    CPPUNIT_TEST(testWhereThePathEndsIsWhatCounts);
    CPPUNIT_TEST(testDanglingSymlinkOutsideIsRefusedNotGone);
    CPPUNIT_TEST(testDanglingSymlinkInsideIsNotFound);
    CPPUNIT_TEST(testAbsoluteSymlinksInsideAreAllowed);
    CPPUNIT_TEST(testSymlinkLoopIsAnErrorNotAHang);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        StoreFixture::setUp();
        tree->writeFile("root/a.txt", "a");
        tree->writeFile("root/sub/b.txt", "b");
    }

    void testParentComponentsAreRefused() {
        for (const char* path : {"..", "../x", "../outside/secret.txt", "a/../../x", "sub/../a.txt", "sub/..",
                                 "sub/../../outside/secret.txt"})
            assertRefusedEverywhere(path);
    }

    void testAbsolutePathsAreRefused() {
        for (const char* path : {"/", "/etc/passwd", "/etc", "//etc/passwd"}) assertRefusedEverywhere(path);
        assertRefusedEverywhere((tree->base() / "outside/secret.txt").string());
        // Even an absolute spelling of something inside: store paths are relative.
        assertRefusedEverywhere((rootPath() / "a.txt").string());
    }

    void testNulByteIsRefused() {
        // "a.txt\0/../../x" would pass a C string check as "a.txt".
        assertRefusedEverywhere(std::string("a.txt\0/../../x", 14));
        assertRefusedEverywhere(std::string("a.txt\0", 6));
    }

    void testOnlyOneSpellingIsAccepted() {
        for (const char* path : {"sub//b.txt", "sub/", "./a.txt", ".", "sub/./b.txt", "sub/b.txt/"})
            assertRefusedEverywhere(path);
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("sub/b.txt"));
    }

    void testSymlinkToEtcIsRefused() {
        tree->symlink("root/etc", "/etc");
        tree->symlink("root/sub/passwd", "/etc/passwd");
        for (const char* path : {"etc", "etc/passwd", "sub/passwd", "etc/does-not-exist"})
            assertRefusedEverywhere(path);
    }

    void testSymlinkToSiblingWithSamePrefixIsRefused() {
        // "<base>/root2" starts with the characters of "<base>/root" but is not inside it.
        tree->writeFile("root2/secret.txt", "secret");
        tree->symlink("root/twin", "../root2");
        tree->symlink("root/twin-abs", tree->base() / "root2");
        for (const char* path : {"twin", "twin/secret.txt", "twin-abs/secret.txt"}) assertRefusedEverywhere(path);
    }

    void testSymlinkChainLeavingTheRootIsRefused() {
        // l1 -> l2 -> sub/l3 -> ../../outside: only the last link leaves.
        tree->symlink("root/l1", "l2");
        tree->symlink("root/l2", "sub/l3");
        tree->symlink("root/sub/l3", "../../outside");
        for (const char* path : {"l1", "l1/secret.txt", "l2/secret.txt", "sub/l3/secret.txt"})
            assertRefusedEverywhere(path);
    }

    void testSymlinkChainStayingInsideIsAllowed() {
        tree->symlink("root/l1", "l2");
        tree->symlink("root/l2", "sub/l3");
        tree->symlink("root/sub/l3", "../sub/b.txt");
        std::string got;
        ASSERT_STATUS(sdk::StatusCode::ok, readOf("l1", 0, 10, &got));
        CPPUNIT_ASSERT_EQUAL(std::string("b"), got);
    }

    void testSymlinkUpIsRefused() {
        tree->symlink("root/up", "..");
        tree->symlink("root/sub/up2", "../..");
        for (const char* path : {"up", "up/outside/secret.txt", "sub/up2", "sub/up2/outside/secret.txt"})
            assertRefusedEverywhere(path);
        tree->symlink("root/here", ".");
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("here/a.txt"));
    }

    void testWhereThePathEndsIsWhatCounts() {
        // "up/root/a.txt" passes through the root's parent but ends inside: it names a.txt,
        // exactly as the kernel would resolve it, and nothing outside is read.
        tree->symlink("root/up", "..");
        std::string got;
        ASSERT_STATUS(sdk::StatusCode::ok, readOf("up/root/a.txt", 0, 10, &got));
        CPPUNIT_ASSERT_EQUAL(std::string("a"), got);
    }

    void testDanglingSymlinkOutsideIsRefusedNotGone() {
        // A symlink to an unmounted drive must not read as "the entity is gone".
        tree->symlink("root/nas", "/relaysync-test-not-mounted/share");
        tree->symlink("root/later", "../outside/not-yet.txt");
        for (const char* path : {"nas", "nas/file.txt", "later"}) assertRefusedEverywhere(path);
    }

    void testDanglingSymlinkInsideIsNotFound() {
        tree->symlink("root/dangling", "sub/gone.txt");
        ASSERT_STATUS(sdk::StatusCode::not_found, statOf("dangling"));
        ASSERT_STATUS(sdk::StatusCode::not_found, readOf("dangling", 0, 10));
        ASSERT_STATUS(sdk::StatusCode::not_found, listOf("dangling"));
    }

    void testAbsoluteSymlinksInsideAreAllowed() {
        tree->symlink("root/abs-file", rootPath() / "sub/b.txt");
        tree->symlink("root/abs-folder", rootPath() / "sub");
        ASSERT_STATUS(sdk::StatusCode::ok, readOf("abs-file", 0, 1));
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("abs-folder/b.txt"));

        // The root configured through a symlink: links spelled through that symlink, or
        // through the real folder, both stay inside.
        tree->symlink("mounted", "root");
        tree->symlink("root/via-mount", tree->base() / "mounted/sub/b.txt");
        store = makeStore(tree->base() / "mounted");
        ASSERT_STATUS(sdk::StatusCode::ok, readOf("via-mount", 0, 1));
        ASSERT_STATUS(sdk::StatusCode::ok, readOf("abs-file", 0, 1));
        assertRefusedEverywhere("../outside/secret.txt");
    }

    void testSymlinkLoopIsAnErrorNotAHang() {
        tree->symlink("root/self", "self");
        tree->symlink("root/ping", "pong");
        tree->symlink("root/pong", "ping");
        for (const char* path : {"self", "ping", "pong/x"}) {
            ASSERT_STATUS_FOR(path, sdk::StatusCode::io_error, statOf(path));
            ASSERT_STATUS_FOR(path, sdk::StatusCode::io_error, readOf(path, 0, 1));
        }
    }

private:
    // stat, list and read all refuse `path`, and nothing of "outside" comes back.
    void assertRefusedEverywhere(const std::string& path) {
        sdk::EntityDetails details;
        ASSERT_STATUS_FOR("'" + path + "'", sdk::StatusCode::invalid_argument, statOf(path, &details));
        CPPUNIT_ASSERT(details == sdk::EntityDetails{});
        std::vector<std::string> entries;
        ASSERT_STATUS_FOR("'" + path + "'", sdk::StatusCode::invalid_argument, listOf(path, &entries));
        CPPUNIT_ASSERT(entries.empty());
        std::string content;
        ASSERT_STATUS_FOR("'" + path + "'", sdk::StatusCode::invalid_argument, readOf(path, 0, 100, &content));
        CPPUNIT_ASSERT(content.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfinementTest);

}  // namespace relaysync::tests
