// list: the items directly inside a folder, symlinks shown as what they point to when that is
// inside the root.

#include <sys/stat.h>

#include "store_fixture.h"

namespace relaysync::tests {

using Entries = std::vector<std::string>;

class ListTest : public StoreFixture {
    CPPUNIT_TEST_SUITE(ListTest);
    CPPUNIT_TEST(testRootFolder);
    CPPUNIT_TEST(testSubfolderShowsOnlyDirectChildren);
    CPPUNIT_TEST(testEmptyFolder);
    CPPUNIT_TEST(testSymlinksInsideShowTheirTargetKind);
    CPPUNIT_TEST(testEscapingDanglingAndSpecialEntriesAreLeftOut);
    CPPUNIT_TEST(testFileIsNotAFolder);
    CPPUNIT_TEST(testMissingIsNotFound);
    CPPUNIT_TEST_SUITE_END();

public:
    void testRootFolder() {
        tree->writeFile("root/a.txt", "a");
        tree->writeFile("root/.hidden", "h");
        tree->makeFolder("root/folderA");
        tree->makeFolder("root/folder B");
        Entries entries;
        ASSERT_STATUS(sdk::StatusCode::ok, listOf("", &entries));
        CPPUNIT_ASSERT_EQUAL((Entries{".hidden:file", "a.txt:file", "folder B:folder", "folderA:folder"}), entries);
    }

    void testSubfolderShowsOnlyDirectChildren() {
        tree->writeFile("root/folderA/x.txt", "x");
        tree->writeFile("root/folderA/deeper/y.txt", "y");
        Entries entries;
        ASSERT_STATUS(sdk::StatusCode::ok, listOf("folderA", &entries));
        CPPUNIT_ASSERT_EQUAL((Entries{"deeper:folder", "x.txt:file"}), entries);
    }

    void testEmptyFolder() {
        tree->makeFolder("root/empty");
        sdk::FolderListing items{{"stale", {}}};
        ASSERT_STATUS(sdk::StatusCode::ok, store->list(sdk::CallContext::unbounded(), "empty", items));
        CPPUNIT_ASSERT_EQUAL(Entries{}, describeListing(items));
    }

    void testSymlinksInsideShowTheirTargetKind() {
        tree->writeFile("root/data/a.txt", "a");
        tree->symlink("root/link-to-file", "data/a.txt");
        tree->symlink("root/link-to-folder", rootPath() / "data");  // absolute, still inside
        Entries entries;
        ASSERT_STATUS(sdk::StatusCode::ok, listOf("", &entries));
        CPPUNIT_ASSERT_EQUAL((Entries{"data:folder", "link-to-file:file", "link-to-folder:folder"}), entries);
        // And a folder reached through a symlink lists like the folder itself.
        ASSERT_STATUS(sdk::StatusCode::ok, listOf("link-to-folder", &entries));
        CPPUNIT_ASSERT_EQUAL(Entries{"a.txt:file"}, entries);
    }

    void testEscapingDanglingAndSpecialEntriesAreLeftOut() {
        tree->writeFile("root/kept.txt", "k");
        tree->symlink("root/etc", "/etc");
        tree->symlink("root/secret", "../outside/secret.txt");
        tree->symlink("root/dangling", "nothing-here");
        tree->symlink("root/loop", "loop");
        const auto fifo = rootPath() / "pipe";
        CPPUNIT_ASSERT_EQUAL(0, ::mkfifo(fifo.c_str(), 0644));
        Entries entries;
        ASSERT_STATUS(sdk::StatusCode::ok, listOf("", &entries));
        CPPUNIT_ASSERT_EQUAL(Entries{"kept.txt:file"}, entries);
    }

    void testFileIsNotAFolder() {
        tree->writeFile("root/a.txt", "a");
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, listOf("a.txt"));
    }

    void testMissingIsNotFound() {
        ASSERT_STATUS(sdk::StatusCode::not_found, listOf("nothing"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ListTest);

}  // namespace relaysync::tests
