// The owner's side of remote access (core/remote): where it may read (entry_path), what its
// policy allows (remote_policy), and OwnerService answering browse and fetch requests from a
// store: chunks in order, the SHA-256 of the whole file (also after a resume), a file changed
// between chunks reported, not mixed.
#include <cppunit/extensions/HelperMacros.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

#include "core_test_support.h"
#include "remote/entry_path.h"
#include "remote/owner_service.h"
#include "remote/remote_policy.h"

namespace relaysync::core::coretest {

namespace {

// Files with content, and folders: just enough of a store for OwnerService.
class ContentStore final : public sdk::ResourceStore {
public:
    void put(const std::string& path, std::string bytes, std::int64_t modified_ms) {
        std::lock_guard lock(mutex_);
        files_[path] = {std::move(bytes), modified_ms};
    }
    void putFolder(const std::string& path) {
        std::lock_guard lock(mutex_);
        folders_.insert(path);
    }
    std::uint32_t capabilities() const override {
        return sdk::StoreCapability::content | sdk::StoreCapability::list_details;
    }
    sdk::Status probe(const sdk::CallContext&, sdk::RootProbe&) override { return sdk::Status::ok(); }
    sdk::Status stat(const sdk::CallContext&, const std::string& path, sdk::EntityDetails& details) override {
        std::lock_guard lock(mutex_);
        if (folders_.count(path)) {
            details = {};
            details.kind = sdk::EntityKind::folder;
            return sdk::Status::ok();
        }
        const auto file = files_.find(path);
        if (file == files_.end()) return sdk::Status::notFound(path);
        details = {};
        details.size = file->second.bytes.size();
        details.modified_ms = file->second.modified_ms;
        return sdk::Status::ok();
    }
    sdk::Status list(const sdk::CallContext& call, const std::string& path, sdk::FolderListing& items) override {
        items.clear();
        std::vector<std::string> names;
        {
            std::lock_guard lock(mutex_);
            for (const auto& [name, file] : files_)
                if (name.rfind(path + "/", 0) == 0 && name.find('/', path.size() + 1) == std::string::npos)
                    names.push_back(name);
        }
        for (const auto& name : names) {
            sdk::FolderItem item;
            item.name = name.substr(path.size() + 1);
            if (stat(call, name, item.details).isOk()) items.push_back(item);
        }
        return sdk::Status::ok();
    }
    sdk::Status read(const sdk::CallContext&, const std::string& path, std::uint64_t offset, std::size_t max_bytes,
                     std::vector<char>& bytes) override {
        std::lock_guard lock(mutex_);
        const auto file = files_.find(path);
        if (file == files_.end()) return sdk::Status::notFound(path);
        const auto& content = file->second.bytes;
        bytes.clear();
        if (offset < content.size())
            bytes.assign(content.begin() + static_cast<long>(offset),
                         content.begin() + static_cast<long>(std::min<std::uint64_t>(content.size(), offset + max_bytes)));
        return sdk::Status::ok();
    }
    std::string describe() const override { return "content"; }

private:
    struct File {
        std::string bytes;
        std::int64_t modified_ms = 0;
    };
    std::mutex mutex_;
    std::map<std::string, File> files_;
    std::set<std::string> folders_;
};

const std::string kTransfer = "00000000000000000000000000000001";
const std::string kSha256OfAbc = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

}  // namespace

class RemoteAccessTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RemoteAccessTest);
    CPPUNIT_TEST(subPathsStayInsideTheEntry);
    CPPUNIT_TEST(theMostSpecificPolicyRuleWins);
    CPPUNIT_TEST(chunksComeInOrderWithTheHashOfTheWholeFile);
    CPPUNIT_TEST(aResumeHashesWhatTheAskerAlreadyHas);
    CPPUNIT_TEST(aFileChangedBetweenChunksIsReported);
    CPPUNIT_TEST(aResumeOfAnotherVersionIsRefused);
    CPPUNIT_TEST(browseListsAFolder);
    CPPUNIT_TEST(browseOfALargeFolderComesInPages);
    CPPUNIT_TEST(refusalsCarryTheirCodes);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        store_ = std::make_shared<ContentStore>();
        router_ = std::make_unique<StoreRouter>();
        router_->add("c:", store_);
        store_->put("docs/abc.txt", "abc", 1000);
        store_->putFolder("docs");
        facts_.share_name = "workspace1";
        facts_.location = "c:/docs/abc.txt";
    }
    void tearDown() override {
        service_.reset();
        router_.reset();
    }

    void subPathsStayInsideTheEntry() {
        CPPUNIT_ASSERT_EQUAL(std::string("c:/folderB"), entryPath("c:/folderB", "").location);
        CPPUNIT_ASSERT_EQUAL(std::string("c:/folderB/drawings/a.dwg"), entryPath("c:/folderB", "drawings/a.dwg").location);
        for (const auto* bad : {"..", "../folderA", "a/../../x", "/etc/passwd", "a//b", "./a", "a\\b"})
            RS_ASSERT_CONTAINS(entryPath("c:/folderB", bad).problem, "is not allowed");
    }

    void theMostSpecificPolicyRuleWins() {
        RemoteAccessPolicy policy;
        policy.default_level = RemoteAccessLevel::read;
        policy.shares["workspace1"] = RemoteAccessLevel::browse;
        policy.shares["S2"] = RemoteAccessLevel::info;
        policy.entries["workspace1/budget.xls"] = RemoteAccessLevel::info;
        policy.entries["S2/open.txt"] = RemoteAccessLevel::read;
        CPPUNIT_ASSERT(policy.levelFor("S1", "workspace1", "folderB") == RemoteAccessLevel::browse);
        CPPUNIT_ASSERT(policy.levelFor("S1", "workspace1", "budget.xls") == RemoteAccessLevel::info);
        CPPUNIT_ASSERT(policy.levelFor("S2", "projects", "x") == RemoteAccessLevel::info);
        CPPUNIT_ASSERT(policy.levelFor("S2", "projects", "open.txt") == RemoteAccessLevel::read);
        CPPUNIT_ASSERT(policy.levelFor("S3", "other", "x") == RemoteAccessLevel::read);
        CPPUNIT_ASSERT(remoteAccessLevelFrom("browse") == RemoteAccessLevel::browse);
        CPPUNIT_ASSERT(!remoteAccessLevelFrom("write"));
    }

    void chunksComeInOrderWithTheHashOfTheWholeFile() {
        start(1);
        for (std::uint64_t offset = 0; offset < 3; ++offset) service_->take(fetch(offset));
        std::string content;
        for (int i = 0; i < 3; ++i) {
            const auto data = nextReply();
            CPPUNIT_ASSERT(data.type == RemoteType::fetch_data);
            CPPUNIT_ASSERT_EQUAL(std::uint64_t(i), data.offset);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(3), data.size);
            content += data.data;
            CPPUNIT_ASSERT_EQUAL(i == 2, data.last);
            if (data.last) CPPUNIT_ASSERT_EQUAL(kSha256OfAbc, data.hash);
        }
        CPPUNIT_ASSERT_EQUAL(std::string("abc"), content);
    }

    void aResumeHashesWhatTheAskerAlreadyHas() {
        start(2);
        auto request = fetch(2);
        request.size = 3;
        request.modified_ms = 1000;
        service_->take(request);
        const auto data = nextReply();
        CPPUNIT_ASSERT_EQUAL(std::string("c"), data.data);
        CPPUNIT_ASSERT(data.last);
        CPPUNIT_ASSERT_EQUAL(kSha256OfAbc, data.hash);
    }

    void aFileChangedBetweenChunksIsReported() {
        start(1);
        service_->take(fetch(0));
        CPPUNIT_ASSERT(nextReply().type == RemoteType::fetch_data);
        store_->put("docs/abc.txt", "abd", 2000);
        service_->take(fetch(1));
        const auto error = nextReply();
        CPPUNIT_ASSERT(error.type == RemoteType::remote_error);
        CPPUNIT_ASSERT(error.code == RemoteErrorCode::changed);
        RS_ASSERT_CONTAINS(error.reason, "changed during the fetch");
        // What was still asked for of that transfer gets no content.
        service_->take(fetch(2));
        CPPUNIT_ASSERT(nextReply().type == RemoteType::remote_error);
    }

    void aResumeOfAnotherVersionIsRefused() {
        start(4);
        auto request = fetch(1);
        request.size = 3;
        request.modified_ms = 999;
        service_->take(request);
        const auto error = nextReply();
        CPPUNIT_ASSERT(error.code == RemoteErrorCode::changed);
        RS_ASSERT_CONTAINS(error.reason, "since the part fetched before");
    }

    void browseListsAFolder() {
        facts_.location = "c:/docs";
        store_->put("docs/z.txt", "zz", 3000);
        start(1024);  // room for both items in one answer
        auto request = fetch(0);
        request.type = RemoteType::browse_request;
        service_->take(request);
        const auto result = nextReply();
        CPPUNIT_ASSERT(result.type == RemoteType::browse_result);
        CPPUNIT_ASSERT(result.folder);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), result.items.size());
        CPPUNIT_ASSERT_EQUAL(std::string("abc.txt"), result.items[0].name);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), result.items[1].size);
    }

    // A folder larger than one answer on this transport comes in pages: the answer counts what
    // it left out, and a request with that many skipped gives the rest.
    void browseOfALargeFolderComesInPages() {
        facts_.location = "c:/docs";
        store_->put("docs/z.txt", "zz", 3000);
        start(1);  // one byte of chunk: one item per answer
        auto first = fetch(0);
        first.type = RemoteType::browse_request;
        service_->take(first);
        const auto page1 = nextReply();
        CPPUNIT_ASSERT(page1.type == RemoteType::browse_result);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), page1.items.size());
        CPPUNIT_ASSERT_EQUAL(std::string("abc.txt"), page1.items[0].name);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), page1.more_items);
        auto second = first;
        second.transfer = "00000000000000000000000000000002";
        second.offset = 1;
        service_->take(second);
        const auto page2 = nextReply();
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), page2.items.size());
        CPPUNIT_ASSERT_EQUAL(std::string("z.txt"), page2.items[0].name);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), page2.more_items);
    }

    void refusalsCarryTheirCodes() {
        policy_.entries["workspace1/abc.txt"] = RemoteAccessLevel::browse;
        start(4);
        service_->take(fetch(0));
        CPPUNIT_ASSERT(nextReply().code == RemoteErrorCode::refused);

        auto escaping = fetch(0);
        escaping.transfer = "00000000000000000000000000000002";
        escaping.type = RemoteType::browse_request;
        escaping.path = "../x";
        service_->take(escaping);
        CPPUNIT_ASSERT(nextReply().code == RemoteErrorCode::bad_path);

        facts_.refusal = RemoteErrorCode::not_member;
        facts_.reason = "client41 is not a member";
        auto outsider = escaping;
        outsider.transfer = "00000000000000000000000000000003";
        outsider.path.clear();
        service_->take(outsider);
        const auto error = nextReply();
        CPPUNIT_ASSERT(error.code == RemoteErrorCode::not_member);
        CPPUNIT_ASSERT_EQUAL(facts_.reason, error.reason);
    }

private:
    void start(std::size_t chunk) {
        service_ = std::make_unique<OwnerService>(
            "client31@relay-server3.net", *router_, policy_, chunk, std::chrono::seconds(5),
            [this](const RemoteMessage&) { return facts_; },
            [this](RemoteMessage reply) {
                std::lock_guard lock(mutex_);
                replies_.push_back(std::move(reply));
                arrived_.notify_all();
            },
            log_);
    }
    RemoteMessage fetch(std::uint64_t offset) const {
        RemoteMessage m;
        m.type = RemoteType::fetch_request;
        m.transfer = kTransfer;
        m.asker = "client21@relay-server2.net";
        m.owner = "client31@relay-server3.net";
        m.share_id = "S1";
        m.entry = "abc.txt";
        m.offset = offset;
        m.length = 1 << 20;
        return m;
    }
    RemoteMessage nextReply() {
        std::unique_lock lock(mutex_);
        CPPUNIT_ASSERT(arrived_.wait_for(lock, std::chrono::seconds(10), [this] { return !replies_.empty(); }));
        auto reply = std::move(replies_.front());
        replies_.pop_front();
        return reply;
    }

    std::shared_ptr<ContentStore> store_;
    std::unique_ptr<StoreRouter> router_;
    RemoteAccessPolicy policy_;
    OwnerFacts facts_;
    AccessLog log_{"client31@relay-server3.net"};
    std::unique_ptr<OwnerService> service_;
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::deque<RemoteMessage> replies_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RemoteAccessTest);

}  // namespace relaysync::core::coretest
