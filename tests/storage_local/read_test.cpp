// read: chunks of a file by offset and length, and the end of it.

#include <sys/stat.h>

#include <limits>

#include "store_fixture.h"

namespace relaysync::tests {

class ReadTest : public StoreFixture {
    CPPUNIT_TEST_SUITE(ReadTest);
    CPPUNIT_TEST(testWholeFile);
    CPPUNIT_TEST(testChunksRebuildTheFile);
    CPPUNIT_TEST(testAtAndPastTheEnd);
    CPPUNIT_TEST(testHugeMaxBytesReadsTheRest);
    CPPUNIT_TEST(testEmptyFile);
    CPPUNIT_TEST(testThroughSymlinkInside);
    CPPUNIT_TEST(testFolderIsNotAFile);
    CPPUNIT_TEST(testFifoIsRefusedWithoutBlocking);
    CPPUNIT_TEST(testMissingIsNotFound);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        StoreFixture::setUp();
        content.clear();
        for (int i = 0; i < 100; ++i) content.push_back(static_cast<char>('!' + i % 90));
        content += std::string("\0binary\xff", 8);
        tree->writeFile("root/folderA/data.bin", content);
    }

    void testWholeFile() {
        std::string got;
        ASSERT_STATUS(sdk::StatusCode::ok, readOf("folderA/data.bin", 0, 4096, &got));
        CPPUNIT_ASSERT(got == content);
    }

    void testChunksRebuildTheFile() {
        std::string rebuilt;
        std::uint64_t offset = 0;
        for (;;) {
            std::string chunk;
            ASSERT_STATUS(sdk::StatusCode::ok, readOf("folderA/data.bin", offset, 7, &chunk));
            CPPUNIT_ASSERT(chunk.size() <= 7);
            if (chunk.empty()) break;
            rebuilt += chunk;
            offset += chunk.size();
        }
        CPPUNIT_ASSERT_EQUAL(content.size(), rebuilt.size());
        CPPUNIT_ASSERT(rebuilt == content);

        std::string middle;
        ASSERT_STATUS(sdk::StatusCode::ok, readOf("folderA/data.bin", 10, 5, &middle));
        CPPUNIT_ASSERT_EQUAL(content.substr(10, 5), middle);
    }

    void testAtAndPastTheEnd() {
        std::string got = "stale";
        ASSERT_STATUS(sdk::StatusCode::ok, readOf("folderA/data.bin", content.size() - 3, 10, &got));
        CPPUNIT_ASSERT_EQUAL(content.substr(content.size() - 3), got);
        ASSERT_STATUS(sdk::StatusCode::ok, readOf("folderA/data.bin", content.size(), 10, &got));
        CPPUNIT_ASSERT(got.empty());
        ASSERT_STATUS(sdk::StatusCode::ok, readOf("folderA/data.bin", content.size() + 1000, 10, &got));
        CPPUNIT_ASSERT(got.empty());
        ASSERT_STATUS(sdk::StatusCode::ok,
                      readOf("folderA/data.bin", std::numeric_limits<std::uint64_t>::max(), 10, &got));
        CPPUNIT_ASSERT(got.empty());
        ASSERT_STATUS(sdk::StatusCode::ok, readOf("folderA/data.bin", 0, 0, &got));
        CPPUNIT_ASSERT(got.empty());
    }

    void testHugeMaxBytesReadsTheRest() {
        // The store must size its buffer by the file, not by max_bytes.
        std::string got;
        ASSERT_STATUS(sdk::StatusCode::ok,
                      readOf("folderA/data.bin", 50, std::numeric_limits<std::size_t>::max(), &got));
        CPPUNIT_ASSERT(got == content.substr(50));
    }

    void testEmptyFile() {
        tree->writeFile("root/empty", "");
        std::string got;
        ASSERT_STATUS(sdk::StatusCode::ok, readOf("empty", 0, 100, &got));
        CPPUNIT_ASSERT(got.empty());
    }

    void testThroughSymlinkInside() {
        tree->symlink("root/shortcut", "folderA/data.bin");
        std::string got;
        ASSERT_STATUS(sdk::StatusCode::ok, readOf("shortcut", 0, 5, &got));
        CPPUNIT_ASSERT_EQUAL(content.substr(0, 5), got);
    }

    void testFolderIsNotAFile() {
        std::vector<char> bytes{'x'};
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, store->read(sdk::CallContext::unbounded(), "folderA", 0, 10, bytes));
        CPPUNIT_ASSERT(bytes.empty());
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, readOf("", 0, 10));
    }

    void testFifoIsRefusedWithoutBlocking() {
        // Opening a fifo for reading waits for a writer unless the store takes care.
        const auto fifo = rootPath() / "pipe";
        CPPUNIT_ASSERT_EQUAL(0, ::mkfifo(fifo.c_str(), 0644));
        ASSERT_STATUS(sdk::StatusCode::invalid_argument, readOf("pipe", 0, 10));
    }

    void testMissingIsNotFound() {
        ASSERT_STATUS(sdk::StatusCode::not_found, readOf("folderA/other.bin", 0, 10));
        ASSERT_STATUS(sdk::StatusCode::not_found, readOf("folderA/data.bin/inner", 0, 10));
    }

private:
    std::string content;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReadTest);

}  // namespace relaysync::tests
