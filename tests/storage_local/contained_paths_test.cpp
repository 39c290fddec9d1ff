// The ContainedPaths extension (SDK 2.2): whether a path spelled beneath a folder of the store
// also leads inside it once symlinks are followed. A remote fetch asks it before reading a path
// inside a shared folder (docs/protocol.md §4.7).

#include "relaysync/sdk/contained_paths.h"
#include "store_fixture.h"

namespace relaysync::tests {

class ContainedPathsTest : public StoreFixture {
    CPPUNIT_TEST_SUITE(ContainedPathsTest);
    CPPUNIT_TEST(testTheStoreOffersIt);
    CPPUNIT_TEST(testPlainPathsAndLinksWithinTheFolderAreInside);
    CPPUNIT_TEST(testLinksToElsewhereInTheStoreLeadOut);
    CPPUNIT_TEST(testASiblingWithTheSamePrefixIsNotInside);
    CPPUNIT_TEST(testWhatTheStoreRefusesStaysRefused);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        StoreFixture::setUp();
        tree->writeFile("root/shared/a.txt", "a");
        tree->writeFile("root/shared/sub/b.txt", "b");
        tree->writeFile("root/private/p.txt", "p");
        tree->writeFile("root/shared2/c.txt", "c");
        tree->symlink("root/shared/alias.txt", "sub/b.txt");
        tree->symlink("root/shared/aside.txt", "../private/p.txt");
        tree->symlink("root/shared/aside-dir", (rootPath() / "private").string());
        tree->symlink("root/shared/twin", "../shared2");
        tree->symlink("root/shared/out", "/etc/passwd");
    }

    void testTheStoreOffersIt() { CPPUNIT_ASSERT(contained() != nullptr); }

    void testPlainPathsAndLinksWithinTheFolderAreInside() {
        for (const char* path : {"shared", "shared/a.txt", "shared/sub", "shared/sub/b.txt", "shared/alias.txt"})
            ASSERT_STATUS_FOR(path, sdk::StatusCode::ok, within("shared", path));
    }

    void testLinksToElsewhereInTheStoreLeadOut() {
        for (const char* path : {"shared/aside.txt", "shared/aside-dir", "shared/aside-dir/p.txt"})
            ASSERT_STATUS_FOR(path, sdk::StatusCode::permission_denied, within("shared", path));
        // The same paths are fine seen from the store's root.
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("shared/aside.txt"));
    }

    void testASiblingWithTheSamePrefixIsNotInside() {
        // "<root>/shared2" starts with the characters of "<root>/shared" but is not inside it.
        ASSERT_STATUS(sdk::StatusCode::permission_denied, within("shared", "shared/twin/c.txt"));
    }

    void testWhatTheStoreRefusesStaysRefused() {
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, within("shared", "shared/out"));
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, within("shared", "shared/../private/p.txt"));
        ASSERT_STATUS(sdk::StatusCode::not_found, within("shared", "shared/missing.txt"));
    }

private:
    sdk::ContainedPaths* contained() const {
        return static_cast<sdk::ContainedPaths*>(store->extension(sdk::kContainedPathsExtension));
    }
    sdk::Status within(const std::string& folder, const std::string& path) const {
        return contained()->within(sdk::CallContext::unbounded(), folder, path);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ContainedPathsTest);

}  // namespace relaysync::tests
