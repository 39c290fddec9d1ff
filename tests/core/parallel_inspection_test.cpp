// CheckResource on several threads (engine/parallel_inspection.h) and folders hashed by their
// content (sdk/folder_hashing.h): a checker that allows it is called from several threads at
// once, one that does not only from the caller's; every outcome lands with its entity; a folder's
// checker sees everything beneath it with each file described. Also run under ThreadSanitizer
// (scripts/test.sh --tsan runs core_engine).
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "checker/timestamp_size_checker.h"
#include "core_test_support.h"
#include "engine/entity_inspection.h"
#include "engine/parallel_inspection.h"
#include "engine/resource_check.h"
#include "plain_store.h"
#include "relaysync/sdk/concurrent_checks.h"
#include "relaysync/sdk/folder_hashing.h"

namespace relaysync::core::coretest {

namespace {

using namespace std::chrono_literals;

// Files with content and an identity whose change time moves with every write; folders implied
// by the files (and added empty ones). Reads can be made to wait until `gather` of them have been
// in flight at once (or 10 s pass), which shows whether a check reads on several threads.
class ContentStore final : public test::PlainStore {
public:
    void write(const std::string& path, std::string content, std::int64_t modified_ms = 1000) {
        std::lock_guard lock(mutex_);
        files_[path] = {std::move(content), modified_ms, ++changes_};
    }
    void addFolder(const std::string& path) {
        std::lock_guard lock(mutex_);
        empty_folders_.insert(path);
    }
    void remove(const std::string& path) {
        std::lock_guard lock(mutex_);
        files_.erase(path);
    }
    void gatherReads(int count) {
        std::lock_guard lock(mutex_);
        gather_ = count;
    }
    // Reads of `path` fail with `failure` from now on (not_found: as if removed meanwhile).
    void failReads(const std::string& path, sdk::Status failure) {
        std::lock_guard lock(mutex_);
        failing_[path] = std::move(failure);
    }
    int mostReadsAtOnce() {
        std::lock_guard lock(mutex_);
        return most_at_once_;
    }

    std::uint32_t capabilities() const override {
        return sdk::StoreCapability::content | sdk::StoreCapability::entity_identity;
    }
    sdk::Status stat(const sdk::CallContext&, const std::string& path, sdk::EntityDetails& details) override {
        std::lock_guard lock(mutex_);
        if (const auto file = files_.find(path); file != files_.end()) {
            details = detailsOf(file->second);
            return sdk::Status::ok();
        }
        if (!isFolder(path)) return sdk::Status::notFound(path + " does not exist");
        details = {sdk::EntityKind::folder, 500, 0, {}, {}};
        return sdk::Status::ok();
    }
    sdk::Status list(const sdk::CallContext&, const std::string& path, sdk::FolderListing& items) override {
        std::lock_guard lock(mutex_);
        if (!isFolder(path)) return sdk::Status::notFound(path + " is no folder");
        std::map<std::string, sdk::EntityKind> children;
        const auto add = [&](const std::string& full, bool file) {
            const auto prefix = path.empty() ? std::string() : path + "/";
            if (full.rfind(prefix, 0) != 0) return;
            const auto rest = full.substr(prefix.size());
            const auto slash = rest.find('/');
            children[rest.substr(0, slash)] =
                file && slash == std::string::npos ? sdk::EntityKind::file : sdk::EntityKind::folder;
        };
        for (const auto& [file, unused] : files_) add(file, true);
        for (const auto& folder : empty_folders_) add(folder, false);
        items.clear();
        for (const auto& [name, kind] : children) items.push_back({name, {kind, 0, 0, {}, {}}});
        return sdk::Status::ok();
    }
    sdk::Status read(const sdk::CallContext&, const std::string& path, std::uint64_t offset, std::size_t max_bytes,
                     std::vector<char>& bytes) override {
        std::unique_lock lock(mutex_);
        ++reading_;
        most_at_once_ = std::max(most_at_once_, reading_);
        gathered_.notify_all();
        gathered_.wait_for(lock, 10s, [&] { return most_at_once_ >= gather_; });
        --reading_;
        if (const auto failure = failing_.find(path); failure != failing_.end()) return failure->second;
        const auto file = files_.find(path);
        if (file == files_.end()) return sdk::Status::notFound(path);
        const auto& content = file->second.content;
        const auto from = std::min<std::size_t>(offset, content.size());
        const auto n = std::min(max_bytes, content.size() - from);
        bytes.assign(content.begin() + static_cast<long>(from), content.begin() + static_cast<long>(from + n));
        return sdk::Status::ok();
    }
    std::string describe() const override { return "content"; }

private:
    struct File {
        std::string content;
        std::int64_t modified_ms = 0;
        std::int64_t changed = 0;
    };
    static sdk::EntityDetails detailsOf(const File& file) {
        sdk::EntityDetails details{sdk::EntityKind::file, file.modified_ms, file.content.size(), {}, {}};
        details.identity = {1, 1, file.changed, {}};
        return details;
    }
    bool isFolder(const std::string& path) const {
        if (path.empty() || empty_folders_.count(path)) return true;
        const auto prefix = path + "/";
        return std::any_of(files_.begin(), files_.end(), [&](const auto& f) { return f.first.rfind(prefix, 0) == 0; }) ||
               std::any_of(empty_folders_.begin(), empty_folders_.end(),
                           [&](const auto& f) { return f.rfind(prefix, 0) == 0; });
    }

    std::mutex mutex_;
    std::condition_variable gathered_;
    std::map<std::string, File> files_;
    std::set<std::string> empty_folders_;
    std::map<std::string, sdk::Status> failing_;
    std::int64_t changes_ = 0;
    int gather_ = 0;
    int reading_ = 0;
    int most_at_once_ = 0;
};

// A content checker: a file's "hash" is "text:" + its content, a folder's the sorted
// "path=hash" of everything beneath. With `threads` > 0 it offers ConcurrentChecks (and says
// so), otherwise it is called one call at a time. Counts calls in flight and the threads seen.
class TextChecker final : public sdk::EntityChecker, public sdk::ConcurrentChecks, public sdk::FolderHashing {
public:
    explicit TextChecker(std::size_t threads) : threads_(threads) {}

    std::uint32_t needs() const override { return sdk::CheckerNeed::content; }
    void* extension(const char* name) override {
        if (threads_ > 0 && std::strcmp(name, sdk::kConcurrentChecksExtension) == 0)
            return static_cast<sdk::ConcurrentChecks*>(this);
        if (std::strcmp(name, sdk::kFolderHashingExtension) == 0) return static_cast<sdk::FolderHashing*>(this);
        return nullptr;
    }
    std::size_t maxConcurrentCalls() const override { return threads_; }

    sdk::CheckOutcome check(const sdk::CallContext&, const sdk::EntityDetails& recorded, const sdk::CheckSubject& subject,
                            sdk::ContentReader* content) override {
        const InFlight counting(*this);
        sdk::CheckOutcome outcome;
        outcome.current = subject.current;
        if (auto status = textOf(content, outcome.current.hash); !status.isOk())
            return {sdk::Verdict::unreachable, {}, status.toString()};
        outcome.verdict = outcome.current.hash == recorded.hash ? sdk::Verdict::unchanged : sdk::Verdict::changed;
        return outcome;
    }
    sdk::Status describe(const sdk::CallContext&, const sdk::CheckSubject& subject, sdk::ContentReader* content,
                         sdk::EntityDetails& details) override {
        const InFlight counting(*this);
        details = subject.current;
        return textOf(content, details.hash);
    }
    sdk::CheckOutcome checkFolder(const sdk::CallContext&, const sdk::EntityDetails& recorded,
                                  const sdk::CheckSubject& subject, const sdk::FolderContents& beneath) override {
        sdk::CheckOutcome outcome{sdk::Verdict::unchanged, subject.current, {}};
        outcome.current.hash = folderText(beneath);
        if (outcome.current.hash != recorded.hash) outcome.verdict = sdk::Verdict::changed;
        return outcome;
    }
    sdk::Status describeFolder(const sdk::CallContext&, const sdk::CheckSubject& subject, const sdk::FolderContents& beneath,
                               sdk::EntityDetails& details) override {
        details = subject.current;
        details.hash = folderText(beneath);
        return sdk::Status::ok();
    }

    static std::string folderText(const sdk::FolderContents& beneath) {
        std::vector<std::string> items;
        for (const auto& entry : beneath) items.push_back(entry.path + "=" + entry.details.hash);
        std::sort(items.begin(), items.end());
        std::string text = "folder:";
        for (const auto& item : items) text += item + ";";
        return text;
    }
    int mostAtOnce() const { return most_at_once_; }
    std::size_t threadsSeen() {
        std::lock_guard lock(mutex_);
        return threads_seen_.size();
    }
    bool onlyOn(std::thread::id thread) {
        std::lock_guard lock(mutex_);
        return threads_seen_ == std::set<std::thread::id>{thread};
    }

private:
    struct InFlight {
        explicit InFlight(TextChecker& checker) : checker_(checker) {
            const int now = ++checker_.in_flight_;
            for (int most = checker_.most_at_once_; now > most && !checker_.most_at_once_.compare_exchange_weak(most, now);) {
            }
            std::lock_guard lock(checker_.mutex_);
            checker_.threads_seen_.insert(std::this_thread::get_id());
        }
        ~InFlight() { --checker_.in_flight_; }
        TextChecker& checker_;
    };
    static sdk::Status textOf(sdk::ContentReader* content, std::string& text) {
        text = "text:";
        if (!content) return sdk::Status::ok();
        std::vector<char> block;
        for (std::uint64_t offset = 0;; offset += block.size()) {
            if (auto status = content->read(offset, 3, block); !status.isOk()) return status;
            if (block.empty()) return sdk::Status::ok();
            text.append(block.begin(), block.end());
        }
    }

    const std::size_t threads_;
    std::atomic<int> in_flight_{0};
    std::atomic<int> most_at_once_{0};
    std::mutex mutex_;
    std::set<std::thread::id> threads_seen_;
};

}  // namespace

class ParallelInspectionTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ParallelInspectionTest);
    CPPUNIT_TEST(threadsFollowTheCheckersExtension);
    CPPUNIT_TEST(concurrentCheckerReadsOnSeveralThreadsAtOnce);
    CPPUNIT_TEST(otherCheckersAreCalledOnTheCallersThreadOnly);
    CPPUNIT_TEST(everyOutcomeLandsWithItsEntity);
    CPPUNIT_TEST(folderCheckerSeesEverythingBeneathDescribed);
    CPPUNIT_TEST(contentChangeBeneathChangesTheFolder);
    CPPUNIT_TEST(filesOfABigFolderAreReadOnSeveralThreads);
    CPPUNIT_TEST(fileRemovedWhileTheFolderIsReadIsLeftOut);
    CPPUNIT_TEST(unreadableFileMakesTheFolderUnreachable);
    CPPUNIT_TEST(folderOutcomeIsTheSameOnOneThreadAndOnMany);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        dir_ = std::make_unique<TempDir>();
        database_ = std::make_unique<Database>(dir_->url());
        shares_ = std::make_unique<ShareRepository>(*database_);
        store_ = std::make_shared<ContentStore>();
        router_ = std::make_unique<StoreRouter>();
        router_->add("c:", store_);
    }
    void tearDown() override {
        router_.reset();
        shares_.reset();
        database_.reset();
        dir_.reset();
    }

    void threadsFollowTheCheckersExtension() {
        TimestampSizeChecker plain;
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, ParallelInspection::threadsFor(plain));
        TextChecker three(3), many(1000), one(0);
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, ParallelInspection::threadsFor(three));
        CPPUNIT_ASSERT_EQUAL(ParallelInspection::kMaxThreads, ParallelInspection::threadsFor(many));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, ParallelInspection::threadsFor(one));  // no ConcurrentChecks
        // A checker that lets the host decide gets one thread per core.
        class AnyNumber final : public sdk::EntityChecker, public sdk::ConcurrentChecks {
        public:
            sdk::CheckOutcome check(const sdk::CallContext&, const sdk::EntityDetails&, const sdk::CheckSubject&,
                                    sdk::ContentReader*) override {
                return {};
            }
            void* extension(const char*) override { return static_cast<sdk::ConcurrentChecks*>(this); }
            std::size_t maxConcurrentCalls() const override { return 0; }
        } any;
        const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
        CPPUNIT_ASSERT_EQUAL(std::min(cores, ParallelInspection::kMaxThreads), ParallelInspection::threadsFor(any));
    }

    void concurrentCheckerReadsOnSeveralThreadsAtOnce() {
        for (int i = 0; i < 8; ++i) shareFile("f" + std::to_string(i), "content " + std::to_string(i));
        store_->gatherReads(2);
        TextChecker checker(2);
        const auto plan = check(checker);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{8}, plan.report.unchanged);
        CPPUNIT_ASSERT_EQUAL(2, store_->mostReadsAtOnce());
        CPPUNIT_ASSERT_EQUAL(2, checker.mostAtOnce());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, checker.threadsSeen());
    }

    void otherCheckersAreCalledOnTheCallersThreadOnly() {
        for (int i = 0; i < 4; ++i) shareFile("f" + std::to_string(i), "content " + std::to_string(i));
        TextChecker checker(0);
        const auto plan = check(checker);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, plan.report.unchanged);
        CPPUNIT_ASSERT_EQUAL(1, checker.mostAtOnce());
        CPPUNIT_ASSERT(checker.onlyOn(std::this_thread::get_id()));
    }

    void everyOutcomeLandsWithItsEntity() {
        for (int i = 0; i < 60; ++i) shareFile("f" + std::to_string(i), "was " + std::to_string(i));
        for (int i = 0; i < 60; i += 3) store_->write("f" + std::to_string(i), "now " + std::to_string(i));
        for (int i = 1; i < 60; i += 6) store_->remove("f" + std::to_string(i));
        TextChecker checker(4);
        const auto plan = check(checker);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{60}, plan.report.checked);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{20}, plan.report.changed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{10}, plan.report.gone);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{30}, plan.report.unchanged);
        for (const auto& next : plan.updates.at("s1")) {
            const int i = std::stoi(next.name.substr(1));
            if (i % 3 == 0) CPPUNIT_ASSERT_EQUAL("text:now " + std::to_string(i), next.details.hash);
            else CPPUNIT_ASSERT_EQUAL(std::string(kStatusFileNotFound), next.status);
        }
    }

    void folderCheckerSeesEverythingBeneathDescribed() {
        store_->write("docs/a.txt", "alpha");
        store_->write("docs/sub/b.txt", "beta");
        store_->addFolder("docs/empty");
        TextChecker checker(2);
        sdk::EntityDetails details;
        const auto described = describeEntity(checker, route("docs"), sdk::CallContext::unbounded(), details);
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), described.toString());
        CPPUNIT_ASSERT_EQUAL(std::string("folder:a.txt=text:alpha;empty=;sub/b.txt=text:beta;sub=;"), details.hash);
        CPPUNIT_ASSERT(details.kind == sdk::EntityKind::folder);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{9}, details.size);  // core's aggregate stays
    }

    void contentChangeBeneathChangesTheFolder() {
        store_->write("docs/a.txt", "alpha");
        store_->write("docs/sub/b.txt", "beta");
        TextChecker checker(2);
        shareDescribed(checker, "docs", "c:/docs");
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, check(checker).report.unchanged);
        // Same size, same modification time, other content: only the change time moved.
        store_->write("docs/sub/b.txt", "BETA");
        const auto plan = check(checker);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.changed);
        RS_ASSERT_CONTAINS(plan.updates.at("s1").front().details.hash, "sub/b.txt=text:BETA;");
    }

    void filesOfABigFolderAreReadOnSeveralThreads() {
        for (int i = 0; i < 10; ++i) store_->write("tree/d" + std::to_string(i % 3) + "/f" + std::to_string(i), "x");
        TextChecker checker(2);
        shareDescribed(checker, "tree", "c:/tree");
        store_->gatherReads(2);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, check(checker).report.unchanged);
        CPPUNIT_ASSERT_EQUAL(2, store_->mostReadsAtOnce());
    }

    void fileRemovedWhileTheFolderIsReadIsLeftOut() {
        store_->write("docs/a.txt", "alpha");
        store_->write("docs/b.txt", "beta");
        TextChecker checker(2);
        shareDescribed(checker, "docs", "c:/docs");
        store_->failReads("docs/b.txt", sdk::Status::notFound("docs/b.txt: gone meanwhile"));
        const auto plan = check(checker);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.changed);
        CPPUNIT_ASSERT_EQUAL(std::string("folder:a.txt=text:alpha;"), plan.updates.at("s1").front().details.hash);
    }

    void unreadableFileMakesTheFolderUnreachable() {
        store_->write("docs/a.txt", "alpha");
        TextChecker checker(2);
        shareDescribed(checker, "docs", "c:/docs");
        store_->failReads("docs/a.txt", sdk::Status::unreachable("the server went away"));
        const auto plan = check(checker);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.unreachable);
        RS_ASSERT_CONTAINS(plan.report.problems.at(0), "a.txt");
        RS_ASSERT_CONTAINS(plan.report.problems.at(0), "the server went away");
    }

    void folderOutcomeIsTheSameOnOneThreadAndOnMany() {
        for (int i = 0; i < 12; ++i) store_->write("tree/d" + std::to_string(i % 4) + "/f" + std::to_string(i), "v" + std::to_string(i));
        TextChecker one(0), many(4);
        const auto alone = inspectEntity(one, route("tree"), {}, sdk::CallContext::unbounded());
        sdk::CheckOutcome together;
        ParallelInspection checks(many);
        checks.inspect(route("tree"), {}, sdk::CallContext::within(60s), std::nullopt, together);
        checks.finish();
        CPPUNIT_ASSERT(together.verdict == sdk::Verdict::changed);
        CPPUNIT_ASSERT_EQUAL(alone.current.hash, together.current.hash);
        CPPUNIT_ASSERT_EQUAL(alone.current.size, together.current.size);
    }

private:
    StoreRouter::Route route(const std::string& path) {
        StoreRouter::Route found;
        CPPUNIT_ASSERT(router_->route("c:/" + path, found).isOk());
        return found;
    }
    void shareFile(const std::string& path, const std::string& content) {
        store_->write(path, content);
        auto entry = makeEntry("s1", path, kClient11, "c:/" + path, 1, content.size(), 1000);
        entry.details.hash = "text:" + content;
        CPPUNIT_ASSERT(shares_->putEntryIfNewer(entry));
    }
    void shareDescribed(sdk::EntityChecker& checker, const std::string& name, const std::string& location) {
        auto entry = makeEntry("s1", name, kClient11, location);
        StoreRouter::Route found;
        CPPUNIT_ASSERT(router_->route(location, found).isOk());
        CPPUNIT_ASSERT(describeEntity(checker, found, sdk::CallContext::unbounded(), entry.details).isOk());
        CPPUNIT_ASSERT(shares_->putEntryIfNewer(entry));
    }
    CheckPlan check(sdk::EntityChecker& checker) {
        return planResourceCheck(kClient11, "s1", {}, *shares_, *router_, checker, {});
    }

    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<ShareRepository> shares_;
    std::shared_ptr<ContentStore> store_;
    std::unique_ptr<StoreRouter> router_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ParallelInspectionTest);

}  // namespace relaysync::core::coretest
