// Not found versus unreachable: a missing entity under a reachable root is gone; a root that
// cannot be reached (unmounted, replaced, unreadable) says nothing about its entities.

#include "store_fixture.h"
#include "unprivileged.h"

namespace relaysync::tests {

namespace fs = std::filesystem;

class ReachabilityTest : public StoreFixture {
    CPPUNIT_TEST_SUITE(ReachabilityTest);
    CPPUNIT_TEST(testMissingEntityUnderReachableRootIsNotFound);
    CPPUNIT_TEST(testDeletedRootIsUnreachable);
    CPPUNIT_TEST(testRootThatIsAFileIsUnreachable);
    CPPUNIT_TEST(testRootBehindDanglingSymlinkIsUnreachable);
    CPPUNIT_TEST(testRootThatComesBackIsReachedAgain);
    CPPUNIT_TEST(testBadPathIsRefusedEvenWhenUnreachable);
    CPPUNIT_TEST(testUnreadableRootIsUnreachable);
    CPPUNIT_TEST(testUnreadableEntitiesArePermissionDenied);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        StoreFixture::setUp();
        tree->writeFile("root/a.txt", "a");
        tree->writeFile("root/sub/b.txt", "b");
    }

    void testMissingEntityUnderReachableRootIsNotFound() {
        ASSERT_STATUS(sdk::StatusCode::not_found, statOf("gone.txt"));
        ASSERT_STATUS(sdk::StatusCode::not_found, listOf("gone"));
        ASSERT_STATUS(sdk::StatusCode::not_found, readOf("sub/gone.txt", 0, 1));
    }

    void testDeletedRootIsUnreachable() {
        fs::remove_all(rootPath());
        assertAllUnreachable();
        // The message says which root, for the operator.
        const sdk::Status status = statOf("a.txt");
        CPPUNIT_ASSERT_MESSAGE(status.message(), status.message().find(rootPath().string()) != std::string::npos);
    }

    void testRootThatIsAFileIsUnreachable() {
        fs::remove_all(rootPath());
        // Executable, so that only the "is it a folder" check can tell.
        const auto file = tree->writeFile("root", "not a folder");
        fs::permissions(file, fs::perms(0755));
        assertAllUnreachable();
    }

    void testRootBehindDanglingSymlinkIsUnreachable() {
        // Like a root on a drive that is not mounted: the link is there, its target is not.
        tree->symlink("mount", tree->base() / "not-mounted/share");
        store = makeStore(tree->base() / "mount");
        assertAllUnreachable();
    }

    void testRootThatComesBackIsReachedAgain() {
        fs::rename(rootPath(), tree->base() / "away");
        ASSERT_STATUS(sdk::StatusCode::unreachable, statOf("a.txt"));
        fs::rename(tree->base() / "away", rootPath());
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("a.txt"));
    }

    void testBadPathIsRefusedEvenWhenUnreachable() {
        // The request itself is wrong, whatever the state of the root.
        fs::remove_all(rootPath());
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, statOf("../outside/secret.txt"));
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, statOf("/etc/passwd"));
    }

    void testUnreadableRootIsUnreachable() {
        assertUnprivilegedSees(sdk::StatusCode::ok, [this] { return statOf("a.txt").code(); },
                               "control: before chmod");
        fs::permissions(rootPath(), fs::perms::none);
        const auto seen = probeUnprivileged([this] { return statOf("a.txt").code(); });
        if (!seen) return reportSkip("testUnreadableRootIsUnreachable", "cannot drop root privileges here");
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::unreachable, *seen);
        const auto listed = probeUnprivileged([this] { return listOf("").code(); });
        CPPUNIT_ASSERT_EQUAL(sdk::StatusCode::unreachable, listed.value());
    }

    void testUnreadableEntitiesArePermissionDenied() {
        assertUnprivilegedSees(sdk::StatusCode::ok, [this] { return readOf("a.txt", 0, 1).code(); },
                               "control: before chmod");
        fs::permissions(rootPath() / "sub", fs::perms::none);
        fs::permissions(rootPath() / "a.txt", fs::perms::none);
        if (!probeUnprivileged([] { return sdk::StatusCode::ok; }))
            return reportSkip("testUnreadableEntitiesArePermissionDenied", "cannot drop root privileges here");

        // Inside a folder that cannot be entered: refused, not gone.
        assertUnprivilegedSees(sdk::StatusCode::permission_denied, [this] { return statOf("sub/b.txt").code(); },
                               "stat sub/b.txt");
        assertUnprivilegedSees(sdk::StatusCode::permission_denied, [this] { return listOf("sub").code(); },
                               "list sub");
        assertUnprivilegedSees(sdk::StatusCode::permission_denied, [this] { return readOf("a.txt", 0, 1).code(); },
                               "read a.txt");
        // Its details need no read permission, only the folder's.
        assertUnprivilegedSees(sdk::StatusCode::ok, [this] { return statOf("a.txt").code(); }, "stat a.txt");
    }

private:
    void assertAllUnreachable() {
        for (const char* path : {"", "a.txt", "sub", "sub/b.txt", "never-was.txt"}) {
            ASSERT_STATUS_FOR(path, sdk::StatusCode::unreachable, statOf(path));
            ASSERT_STATUS_FOR(path, sdk::StatusCode::unreachable, listOf(path));
            ASSERT_STATUS_FOR(path, sdk::StatusCode::unreachable, readOf(path, 0, 10));
        }
    }

    // Fails when the probe, run unprivileged, gives another code; passes quietly when
    // privileges cannot be dropped (the callers report that skip).
    static void assertUnprivilegedSees(sdk::StatusCode expected, const std::function<sdk::StatusCode()>& probe,
                                       const std::string& what) {
        const auto seen = probeUnprivileged(probe);
        if (!seen) return;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what + " (as an unprivileged user)", expected, *seen);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReachabilityTest);

}  // namespace relaysync::tests
