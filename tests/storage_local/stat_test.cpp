// stat: kind, modification time (ms since the epoch, UTC) and size of one entity.

#include <sys/stat.h>

#include "store_fixture.h"

namespace relaysync::tests {

namespace fs = std::filesystem;

namespace {
// 2021-03-04 05:06:07.890 UTC: has a millisecond part, so truncation errors show.
constexpr std::int64_t kSomeTimeMs = 1614834367890;
}  // namespace

class StatTest : public StoreFixture {
    CPPUNIT_TEST_SUITE(StatTest);
    CPPUNIT_TEST(testFile);
    CPPUNIT_TEST(testEmptyFile);
    CPPUNIT_TEST(testFolderHasSizeZero);
    CPPUNIT_TEST(testRootItself);
    CPPUNIT_TEST(testTimeBeforeEpoch);
    CPPUNIT_TEST(testMissingIsNotFound);
    CPPUNIT_TEST(testSpecialFileIsNotAnEntity);
    CPPUNIT_TEST_SUITE_END();

public:
    void testFile() {
        const auto file = tree->writeFile("root/folderA/budget.xls", std::string(1234, 'x'));
        fs::last_write_time(file, fileTimeFromMs(kSomeTimeMs));
        sdk::EntityDetails details;
        details.hash = "stale";
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("folderA/budget.xls", &details));
        CPPUNIT_ASSERT_EQUAL(sdk::EntityKind::file, details.kind);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{1234}, details.size);
        CPPUNIT_ASSERT_EQUAL(kSomeTimeMs, details.modified_ms);
        CPPUNIT_ASSERT_MESSAGE("a store computes no hash", details.hash.empty());
    }

    void testEmptyFile() {
        tree->writeFile("root/empty", "");
        sdk::EntityDetails details;
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("empty", &details));
        CPPUNIT_ASSERT_EQUAL(sdk::EntityKind::file, details.kind);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{0}, details.size);
    }

    void testFolderHasSizeZero() {
        tree->writeFile("root/folderA/a.txt", std::string(5000, 'a'));
        fs::last_write_time(rootPath() / "folderA", fileTimeFromMs(kSomeTimeMs));
        sdk::EntityDetails details;
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("folderA", &details));
        CPPUNIT_ASSERT_EQUAL(sdk::EntityKind::folder, details.kind);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{0}, details.size);
        CPPUNIT_ASSERT_EQUAL(kSomeTimeMs, details.modified_ms);
    }

    void testRootItself() {
        fs::last_write_time(rootPath(), fileTimeFromMs(kSomeTimeMs));
        sdk::EntityDetails details;
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("", &details));
        CPPUNIT_ASSERT_EQUAL(sdk::EntityKind::folder, details.kind);
        CPPUNIT_ASSERT_EQUAL(kSomeTimeMs, details.modified_ms);
    }

    void testTimeBeforeEpoch() {
        // 1969-12-31 23:59:58.500: seconds negative, nanoseconds positive; must not round up.
        const auto file = tree->writeFile("root/old.txt", "old");
        fs::last_write_time(file, fileTimeFromMs(-1500));
        sdk::EntityDetails details;
        ASSERT_STATUS(sdk::StatusCode::ok, statOf("old.txt", &details));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{-1500}, details.modified_ms);
    }

    void testMissingIsNotFound() {
        tree->writeFile("root/a.txt", "a");
        ASSERT_STATUS(sdk::StatusCode::not_found, statOf("missing.txt"));
        ASSERT_STATUS(sdk::StatusCode::not_found, statOf("missing/folder/b.txt"));
        // A component on the way is a file: the entity cannot exist.
        ASSERT_STATUS(sdk::StatusCode::not_found, statOf("a.txt/b.txt"));
    }

    void testSpecialFileIsNotAnEntity() {
        const auto fifo = rootPath() / "pipe";
        CPPUNIT_ASSERT_EQUAL(0, ::mkfifo(fifo.c_str(), 0644));
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, statOf("pipe"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StatTest);

}  // namespace relaysync::tests
