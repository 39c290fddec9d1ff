// writeConformanceFixture writes exactly the manifest.

#include <cppunit/extensions/HelperMacros.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "relaysync/sdk/conformance/fixture.h"

namespace relaysync::tests {

namespace fs = std::filesystem;
using namespace sdk::conformance;

class FixtureWriterTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FixtureWriterTest);
    CPPUNIT_TEST(testWritesEveryItemOfTheManifest);
    CPPUNIT_TEST(testWithoutSymlinksLeavesTheLinksOut);
    CPPUNIT_TEST(testRefusesAFolderThatIsNotEmpty);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        std::string pattern = (fs::temp_directory_path() / "fixture-writer-XXXXXX").string();
        CPPUNIT_ASSERT(::mkdtemp(pattern.data()) != nullptr);
        base_ = pattern;
    }
    void tearDown() override { fs::remove_all(base_); }

    void testWritesEveryItemOfTheManifest() {
        const fs::path root = base_ / "root";
        writeConformanceFixture(root);
        std::set<std::string> expected, written;
        for (const auto& item : fixtureItems()) {
            expected.insert(item.path);
            const fs::path at = root / item.path;
            switch (item.type) {
            case FixtureItemType::file: {
                std::ifstream in(at, std::ios::binary);
                const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
                CPPUNIT_ASSERT_MESSAGE(item.path, content == item.content);
                break;
            }
            case FixtureItemType::folder: CPPUNIT_ASSERT_MESSAGE(item.path, fs::is_directory(fs::symlink_status(at))); break;
            default: CPPUNIT_ASSERT_EQUAL(item.link_target, fs::read_symlink(at).string());
            }
        }
        collect(root, "", written);
        CPPUNIT_ASSERT(expected == written);
        CPPUNIT_ASSERT(findFixtureItem("large.bin")->content.size() > 1024 * 1024);
    }

    void testWithoutSymlinksLeavesTheLinksOut() {
        writeConformanceFixture(base_ / "root", false);
        CPPUNIT_ASSERT(fs::is_directory(base_ / "root/links"));
        CPPUNIT_ASSERT(fs::is_empty(base_ / "root/links"));
        CPPUNIT_ASSERT(fs::is_regular_file(base_ / "root/hello.txt"));
    }

    void testRefusesAFolderThatIsNotEmpty() {
        fs::create_directory(base_ / "root");
        std::ofstream(base_ / "root/stray.txt") << "x";
        CPPUNIT_ASSERT_THROW(writeConformanceFixture(base_ / "root"), std::runtime_error);
    }

private:
    // Every path below `folder`, without following links (the fixture has a loop).
    static void collect(const fs::path& root, const std::string& folder, std::set<std::string>& paths) {
        for (const auto& entry : fs::directory_iterator(root / folder)) {
            const std::string path = (folder.empty() ? "" : folder + "/") + entry.path().filename().string();
            paths.insert(path);
            if (fs::is_directory(fs::symlink_status(entry.path()))) collect(root, path, paths);
        }
    }

    fs::path base_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(FixtureWriterTest);

}  // namespace relaysync::tests
