// A folder seen as a whole: size of every file beneath it, latest modification of anything
// beneath it, and how store errors met during the walk are treated.
#include <cppunit/extensions/HelperMacros.h>

#include <map>

#include "core_test_support.h"
#include "engine/folder_details_store.h"
#include "memory_store.h"
#include "plain_store.h"

namespace relaysync::core::coretest {

using relaysync::test::MemoryStore;

namespace {

sdk::FolderItem item(const std::string& name, sdk::EntityKind kind) {
    sdk::FolderItem listed{name, {}};
    listed.details.kind = kind;
    return listed;
}

// A store whose every answer is set by the test, for the races and failures a real store
// meets: an item listed and then gone, a sub-folder removed while it is walked, a server that
// goes away half-way.
class ScriptedStore final : public relaysync::test::PlainStore {
public:
    void file(const std::string& path, std::uint64_t size, std::int64_t modified_ms) {
        stats_[path] = {sdk::Status::ok(), {sdk::EntityKind::file, modified_ms, size, {}, {}}};
    }
    void folder(const std::string& path, std::int64_t modified_ms, sdk::FolderListing items) {
        stats_[path] = {sdk::Status::ok(), {sdk::EntityKind::folder, modified_ms, 0, {}, {}}};
        listings_[path] = {sdk::Status::ok(), std::move(items)};
    }
    void failStat(const std::string& path, sdk::Status status) { stats_[path] = {std::move(status), {}}; }
    void failList(const std::string& path, sdk::Status status) { listings_[path] = {std::move(status), {}}; }

    sdk::Status stat(const sdk::CallContext&, const std::string& path, sdk::EntityDetails& details) override {
        ++stats;
        auto found = stats_.find(path);
        if (found == stats_.end()) return sdk::Status::notFound(path);
        details = found->second.second;
        return found->second.first;
    }
    sdk::Status list(const sdk::CallContext&, const std::string& path, sdk::FolderListing& items) override {
        auto found = listings_.find(path);
        if (found == listings_.end()) return sdk::Status::notFound(path);
        items = found->second.second;
        return found->second.first;
    }
    sdk::Status read(const sdk::CallContext&, const std::string&, std::uint64_t, std::size_t, std::vector<char>& bytes) override {
        bytes.assign({'h', 'i'});
        return sdk::Status::ok();
    }
    std::string describe() const override { return "scripted:test"; }

    int stats = 0;

private:
    std::map<std::string, std::pair<sdk::Status, sdk::EntityDetails>> stats_;
    std::map<std::string, std::pair<sdk::Status, sdk::FolderListing>> listings_;
};

// Every folder holds one more folder: what a symlink loop looks like to a walker.
class EndlessStore final : public relaysync::test::PlainStore {
public:
    sdk::Status stat(const sdk::CallContext&, const std::string&, sdk::EntityDetails& details) override {
        details = {sdk::EntityKind::folder, 1, 0, {}, {}};
        return sdk::Status::ok();
    }
    sdk::Status list(const sdk::CallContext&, const std::string&, sdk::FolderListing& items) override {
        items = {item("loop", sdk::EntityKind::folder)};
        return sdk::Status::ok();
    }
    sdk::Status read(const sdk::CallContext&, const std::string&, std::uint64_t, std::size_t, std::vector<char>&) override {
        return sdk::Status::ok();
    }
    std::string describe() const override { return "endless"; }
};

constexpr auto kFile = sdk::EntityKind::file;
constexpr auto kFolder = sdk::EntityKind::folder;

}  // namespace

class FolderDetailsStoreTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FolderDetailsStoreTest);
    CPPUNIT_TEST(fileStatPassesThroughUnchanged);
    CPPUNIT_TEST(folderSizeIsTheSumOfAllFilesBeneath);
    CPPUNIT_TEST(folderTimeIsTheLatestOfItselfAndEverythingBeneath);
    CPPUNIT_TEST(folderOwnTimeCountsWhenItIsTheLatest);
    CPPUNIT_TEST(emptyFolderHasSizeZero);
    CPPUNIT_TEST(itemGoneWhileWalkingIsSkipped);
    CPPUNIT_TEST(subfolderGoneWhileWalkingIsSkipped);
    CPPUNIT_TEST(unreachableDuringTheWalkPropagates);
    CPPUNIT_TEST(otherErrorsDuringTheWalkPropagate);
    CPPUNIT_TEST(missingFolderIsNotFound);
    CPPUNIT_TEST(endlessNestingStopsWithIoError);
    CPPUNIT_TEST(listReadAndDescribeAreForwarded);
    CPPUNIT_TEST_SUITE_END();

public:
    void fileStatPassesThroughUnchanged() {
        MemoryStore inner;
        inner.putFile("folderA/budget.xls", 1234, 5678);
        FolderDetailsStore store(inner);
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(store.stat(sdk::CallContext::unbounded(), "folderA/budget.xls", details).isOk());
        CPPUNIT_ASSERT(details == (sdk::EntityDetails{kFile, 5678, 1234, {}, {}}));
    }

    void folderSizeIsTheSumOfAllFilesBeneath() {
        MemoryStore inner;
        inner.putFile("folderA/a.txt", 10, 1);
        inner.putFile("folderA/b.txt", 20, 2);
        inner.putFile("folderA/sub/c.txt", 30, 3);
        inner.putFile("folderA/sub/deeper/d.txt", 40, 4);
        inner.putFile("folderB/outside.txt", 1000, 5);
        FolderDetailsStore store(inner);
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(store.stat(sdk::CallContext::unbounded(), "folderA", details).isOk());
        CPPUNIT_ASSERT(details.kind == kFolder);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{100}, details.size);
        CPPUNIT_ASSERT(store.stat(sdk::CallContext::unbounded(), "folderA/sub", details).isOk());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{70}, details.size);
        CPPUNIT_ASSERT(store.stat(sdk::CallContext::unbounded(), "", details).isOk());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{1100}, details.size);
    }

    void folderTimeIsTheLatestOfItselfAndEverythingBeneath() {
        ScriptedStore inner;
        inner.folder("top", 100, {item("a.txt", kFile), item("sub", kFolder)});
        inner.file("top/a.txt", 1, 200);
        inner.folder("top/sub", 150, {item("deep.txt", kFile)});
        inner.file("top/sub/deep.txt", 2, 900);
        FolderDetailsStore store(inner);
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(store.stat(sdk::CallContext::unbounded(), "top", details).isOk());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{900}, details.modified_ms);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{3}, details.size);
    }

    void folderOwnTimeCountsWhenItIsTheLatest() {
        // A file deleted from a folder leaves only the folder's own time changed.
        ScriptedStore inner;
        inner.folder("top", 5000, {item("a.txt", kFile), item("sub", kFolder)});
        inner.file("top/a.txt", 1, 200);
        inner.folder("top/sub", 7000, {});
        FolderDetailsStore store(inner);
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(store.stat(sdk::CallContext::unbounded(), "top", details).isOk());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{7000}, details.modified_ms);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{1}, details.size);
    }

    void emptyFolderHasSizeZero() {
        ScriptedStore inner;
        inner.folder("empty", 42, {});
        FolderDetailsStore store(inner);
        sdk::EntityDetails details{kFile, 0, 999, "stale", {}};
        CPPUNIT_ASSERT(store.stat(sdk::CallContext::unbounded(), "empty", details).isOk());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{0}, details.size);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{42}, details.modified_ms);
    }

    void itemGoneWhileWalkingIsSkipped() {
        ScriptedStore inner;
        inner.folder("top", 1, {item("vanished.txt", kFile), item("kept.txt", kFile)});
        inner.file("top/kept.txt", 8, 2);
        // "vanished.txt" is listed, but stat says not_found: it was removed meanwhile.
        FolderDetailsStore store(inner);
        sdk::EntityDetails details;
        const auto status = store.stat(sdk::CallContext::unbounded(), "top", details);
        CPPUNIT_ASSERT_MESSAGE(status.toString(), status.isOk());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{8}, details.size);
    }

    // A sub-folder listed by its parent, then removed before it is listed itself, is simply not
    // there any more, like a file removed during the walk. The folder being checked still exists.
    void subfolderGoneWhileWalkingIsSkipped() {
        ScriptedStore inner;
        inner.folder("top", 1, {item("sub", kFolder), item("kept.txt", kFile)});
        inner.file("top/kept.txt", 8, 2);
        inner.folder("top/sub", 3, {});
        inner.failList("top/sub", sdk::Status::notFound("top/sub does not exist"));
        FolderDetailsStore store(inner);
        sdk::EntityDetails details;
        const auto status = store.stat(sdk::CallContext::unbounded(), "top", details);
        CPPUNIT_ASSERT_MESSAGE("a folder that exists was reported as " + status.toString(), status.isOk());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{8}, details.size);
    }

    void unreachableDuringTheWalkPropagates() {
        ScriptedStore inner;
        inner.folder("top", 1, {item("a.txt", kFile), item("sub", kFolder)});
        inner.file("top/a.txt", 8, 2);
        inner.folder("top/sub", 3, {item("b.txt", kFile)});
        inner.failStat("top/sub/b.txt", sdk::Status::unreachable("server went away"));
        FolderDetailsStore store(inner);
        sdk::EntityDetails details;
        const auto status = store.stat(sdk::CallContext::unbounded(), "top", details);
        CPPUNIT_ASSERT(status.isUnreachable());
        CPPUNIT_ASSERT_EQUAL(std::string("server went away"), status.message());

        ScriptedStore lists_fail;
        lists_fail.folder("top", 1, {});
        lists_fail.failList("top", sdk::Status::unreachable("unmounted"));
        FolderDetailsStore second(lists_fail);
        CPPUNIT_ASSERT(second.stat(sdk::CallContext::unbounded(), "top", details).isUnreachable());
    }

    void otherErrorsDuringTheWalkPropagate() {
        ScriptedStore inner;
        inner.folder("top", 1, {item("secret", kFolder)});
        inner.folder("top/secret", 1, {});
        inner.failList("top/secret", sdk::Status::permissionDenied("no access"));
        FolderDetailsStore store(inner);
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(store.stat(sdk::CallContext::unbounded(), "top", details).code() == sdk::StatusCode::permission_denied);
    }

    void missingFolderIsNotFound() {
        MemoryStore inner;
        FolderDetailsStore store(inner);
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(store.stat(sdk::CallContext::unbounded(), "folderX", details).isNotFound());
        inner.setReachable(false);
        CPPUNIT_ASSERT(store.stat(sdk::CallContext::unbounded(), "folderX", details).isUnreachable());
    }

    void endlessNestingStopsWithIoError() {
        EndlessStore inner;
        FolderDetailsStore store(inner);
        sdk::EntityDetails details;
        const auto status = store.stat(sdk::CallContext::unbounded(), "loop", details);
        CPPUNIT_ASSERT(status.code() == sdk::StatusCode::io_error);
        RS_ASSERT_CONTAINS(status.message(), "nested too deeply");
    }

    void listReadAndDescribeAreForwarded() {
        ScriptedStore inner;
        inner.folder("top", 1, {item("a.txt", kFile)});
        FolderDetailsStore store(inner);
        sdk::FolderListing items;
        CPPUNIT_ASSERT(store.list(sdk::CallContext::unbounded(), "top", items).isOk());
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, items.size());
        CPPUNIT_ASSERT_EQUAL(std::string("a.txt"), items[0].name);
        std::vector<char> bytes;
        CPPUNIT_ASSERT(store.read(sdk::CallContext::unbounded(), "top/a.txt", 0, 10, bytes).isOk());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, bytes.size());
        CPPUNIT_ASSERT_EQUAL(std::string("scripted:test"), store.describe());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FolderDetailsStoreTest);

}  // namespace relaysync::core::coretest
