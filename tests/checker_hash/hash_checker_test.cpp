// The "hash" checker loaded from its .so as the host loads it, fed content by a reader that
// counts what it is asked for: hashes are right, unchanged content is not read again (also
// after a restart, from the cache file), and records of other checkers are not turned into
// changes.

#include <cppunit/extensions/HelperMacros.h>

#include <boost/dll/shared_library.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "relaysync/sdk/concurrent_checks.h"
#include "relaysync/sdk/folder_hashing.h"
#include "relaysync/sdk/plugin.h"

namespace relaysync::tests {

namespace {

namespace fs = std::filesystem;

fs::path pluginPath() {
    if (const char* dir = std::getenv("RELAYSYNC_PLUGIN_DIR"); dir && *dir) return fs::path(dir) / "relaysync-checker-hash.so";
    return RELAYSYNC_CHECKER_HASH_SO;
}

const sdk::PluginDescriptor& descriptor() {
    static boost::dll::shared_library library(pluginPath());
    static const sdk::PluginDescriptor* found = library.get<sdk::PluginEntryPoint>(RELAYSYNC_PLUGIN_ENTRY_POINT)();
    return *found;
}

struct CheckerDeleter {
    void operator()(sdk::EntityChecker* checker) const noexcept { descriptor().destroy(checker); }
};
using CheckerPtr = std::unique_ptr<sdk::EntityChecker, CheckerDeleter>;

CheckerPtr create(const sdk::PluginConfig& config, std::string* error) {
    return CheckerPtr(static_cast<sdk::EntityChecker*>(descriptor().create(config, error)));
}

// A file's content, served in whatever pieces are asked for; counts the bytes handed out.
class CountingReader final : public sdk::ContentReader {
public:
    explicit CountingReader(std::string content) : content_(std::move(content)) {}
    sdk::Status read(std::uint64_t offset, std::size_t max_bytes, std::vector<char>& bytes) override {
        if (fail_) return sdk::Status::unreachable("the server went away");
        bytes.clear();
        if (offset < content_.size()) {
            const auto n = std::min<std::size_t>(max_bytes, content_.size() - offset);
            bytes.assign(content_.begin() + static_cast<long>(offset), content_.begin() + static_cast<long>(offset + n));
        }
        served_ += bytes.size();
        return sdk::Status::ok();
    }
    std::size_t served() const { return served_; }
    void failFromNowOn() { fail_ = true; }

private:
    std::string content_;
    std::size_t served_ = 0;
    bool fail_ = false;
};

sdk::CheckSubject subjectFor(const std::string& content, std::uint64_t file_id, std::int64_t changed_ns = 1) {
    sdk::CheckSubject subject;
    subject.store = "local:/srv/c";
    subject.path = "docs/budget.xls";
    subject.current.kind = sdk::EntityKind::file;
    subject.current.size = content.size();
    subject.current.modified_ms = 1700000000000;
    subject.current.identity.device = 7;
    subject.current.identity.file_id = file_id;
    subject.current.identity.changed_ns = changed_ns;
    return subject;
}

const std::string kAbcSha256 = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

sdk::FolderHashing& folderHashing(sdk::EntityChecker& checker) {
    auto* hashing = static_cast<sdk::FolderHashing*>(checker.extension(sdk::kFolderHashingExtension));
    CPPUNIT_ASSERT(hashing);
    return *hashing;
}

sdk::FolderEntry folderEntry(const std::string& path) { return {path, {sdk::EntityKind::folder, 0, 0, {}, {}}}; }

// A folder as core hands it over: "docs" with a.txt, sub/b<TAB>c (both "abc") and an empty
// folder; each file described by the checker, as core does, through `readers` (one per file).
struct Docs {
    sdk::CheckSubject folder;
    sdk::FolderContents beneath;
};
Docs describedDocs(sdk::EntityChecker& checker, CountingReader& a, CountingReader& b, std::int64_t b_changed_ns = 1) {
    Docs docs;
    docs.folder = subjectFor("", 0);
    docs.folder.path = "docs";
    docs.folder.current = {sdk::EntityKind::folder, 1700000000000, 6, {}, {}};
    const auto file = [&](const std::string& path, CountingReader& reader, std::uint64_t id, std::int64_t changed_ns) {
        auto subject = subjectFor("abc", id, changed_ns);
        subject.path = "docs/" + path;
        sdk::FolderEntry entry{path, {}};
        CPPUNIT_ASSERT(checker.describe(sdk::CallContext::unbounded(), subject, &reader, entry.details).isOk());
        return entry;
    };
    docs.beneath = {file("a.txt", a, 101, 1), folderEntry("empty"), folderEntry("sub"), file("sub/b\tc", b, 102, b_changed_ns)};
    return docs;
}

}  // namespace

class HashCheckerTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(HashCheckerTest);
    CPPUNIT_TEST(testHashesAreTheStandardOnes);
    CPPUNIT_TEST(testUnchangedContentIsNotReadAgainEvenAfterARestart);
    CPPUNIT_TEST(testSameSizeAndTimeButOtherContentIsCaughtOnceIdentityChanges);
    CPPUNIT_TEST(testRecordsOfOtherCheckersAreNotChanges);
    CPPUNIT_TEST(testUnreadableContentIsUnreachable);
    CPPUNIT_TEST(testSettingsAreChecked);
    CPPUNIT_TEST(testFolderHashIsTheDocumentedOne);
    CPPUNIT_TEST(testFolderHashFollowsNamesAndStructure);
    CPPUNIT_TEST(testUnchangedFolderIsNotReadAndAContentChangeBeneathIsAChange);
    CPPUNIT_TEST(testFolderRecordsOfOtherCheckersAreNotChanges);
    CPPUNIT_TEST(testManyThreadsAtOnceGetTheRightHashes);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        dir_ = fs::temp_directory_path() / ("relaysync-hash-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void tearDown() override { fs::remove_all(dir_); }

    void testHashesAreTheStandardOnes() {
        std::string error;
        auto checker = create({{"block_bytes", "4096"}}, &error);
        CPPUNIT_ASSERT_MESSAGE(error, checker);
        CPPUNIT_ASSERT(checker->needs() & sdk::CheckerNeed::content);
        CountingReader abc("abc");
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(checker->describe(sdk::CallContext::unbounded(), subjectFor("abc", 1), &abc, details).isOk());
        CPPUNIT_ASSERT_EQUAL(kAbcSha256, details.hash);
        // Read in many blocks, the same hash as in one.
        const std::string big(3 * 4096 + 17, 'q');
        CountingReader pieces(big);
        sdk::EntityDetails in_pieces;
        CPPUNIT_ASSERT(checker->describe(sdk::CallContext::unbounded(), subjectFor(big, 2), &pieces, in_pieces).isOk());
        auto whole = create({{"block_bytes", "1048576"}}, &error);
        CountingReader once(big);
        sdk::EntityDetails in_one;
        CPPUNIT_ASSERT(whole->describe(sdk::CallContext::unbounded(), subjectFor(big, 2), &once, in_one).isOk());
        CPPUNIT_ASSERT_EQUAL(in_one.hash, in_pieces.hash);
        auto sha512 = create({{"algorithm", "SHA512"}}, &error);
        CountingReader again("abc");
        CPPUNIT_ASSERT(sha512->describe(sdk::CallContext::unbounded(), subjectFor("abc", 3), &again, details).isOk());
        CPPUNIT_ASSERT_EQUAL(std::string("sha512:ddaf35a193617aba"), details.hash.substr(0, 23));
        // A folder handed to describe() itself (by a host without folder hashing) gets no hash.
        auto folder = subjectFor("", 4);
        folder.current.kind = sdk::EntityKind::folder;
        CPPUNIT_ASSERT(checker->describe(sdk::CallContext::unbounded(), folder, nullptr, details).isOk());
        CPPUNIT_ASSERT(details.hash.empty());
    }

    void testUnchangedContentIsNotReadAgainEvenAfterARestart() {
        const std::string cache = (dir_ / "hashes").string();
        std::string error;
        sdk::EntityDetails recorded;
        {
            auto checker = create({{"cache_file", cache}}, &error);
            CountingReader first("abc");
            CPPUNIT_ASSERT(checker->describe(sdk::CallContext::unbounded(), subjectFor("abc", 11), &first, recorded).isOk());
            CPPUNIT_ASSERT_EQUAL(std::size_t(3), first.served());
            CountingReader second("abc");
            const auto outcome = checker->check(sdk::CallContext::unbounded(), recorded, subjectFor("abc", 11), &second);
            CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unchanged);
            CPPUNIT_ASSERT_EQUAL(std::size_t(0), second.served());
        }
        auto restarted = create({{"cache_file", cache}}, &error);
        CountingReader third("abc");
        const auto outcome = restarted->check(sdk::CallContext::unbounded(), recorded, subjectFor("abc", 11), &third);
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unchanged);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), third.served());
        // A full check (trust_cache: false) reads everything again.
        auto full = create({{"cache_file", cache}, {"trust_cache", "false"}}, &error);
        CountingReader fourth("abc");
        CPPUNIT_ASSERT(full->check(sdk::CallContext::unbounded(), recorded, subjectFor("abc", 11), &fourth).verdict ==
                       sdk::Verdict::unchanged);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), fourth.served());
    }

    void testSameSizeAndTimeButOtherContentIsCaughtOnceIdentityChanges() {
        std::string error;
        auto checker = create({}, &error);
        sdk::EntityDetails recorded;
        CountingReader original("abc");
        CPPUNIT_ASSERT(checker->describe(sdk::CallContext::unbounded(), subjectFor("abc", 21), &original, recorded).isOk());
        // Rewritten with the same size and time set back: its change time (or file id) moved.
        CountingReader rewritten("xyz");
        const auto outcome = checker->check(sdk::CallContext::unbounded(), recorded, subjectFor("xyz", 21, 2), &rewritten);
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::changed);
        CPPUNIT_ASSERT(outcome.current.hash != recorded.hash);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), rewritten.served());
    }

    void testRecordsOfOtherCheckersAreNotChanges() {
        std::string error;
        auto checker = create({}, &error);
        sdk::EntityDetails by_timestamp_size = subjectFor("abc", 31).current;  // no hash
        CountingReader reader("abc");
        auto outcome = checker->check(sdk::CallContext::unbounded(), by_timestamp_size, subjectFor("abc", 31), &reader);
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unchanged);
        CPPUNIT_ASSERT(outcome.current.hash.empty());
        // Once it changes, the new record carries the hash.
        auto grown = subjectFor("abcd", 31, 5);
        CountingReader longer("abcd");
        outcome = checker->check(sdk::CallContext::unbounded(), by_timestamp_size, grown, &longer);
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::changed);
        CPPUNIT_ASSERT_EQUAL(std::string("sha256:"), outcome.current.hash.substr(0, 7));
        // Another algorithm's record: compared as time and size too.
        auto sha512 = by_timestamp_size;
        sha512.hash = "sha512:00";
        CountingReader same("abc");
        CPPUNIT_ASSERT(checker->check(sdk::CallContext::unbounded(), sha512, subjectFor("abc", 31), &same).verdict ==
                       sdk::Verdict::unchanged);
    }

    void testUnreadableContentIsUnreachable() {
        std::string error;
        auto checker = create({}, &error);
        sdk::EntityDetails recorded;
        CountingReader reader("abc");
        CPPUNIT_ASSERT(checker->describe(sdk::CallContext::unbounded(), subjectFor("abc", 41), &reader, recorded).isOk());
        CountingReader gone_away("abcdef");
        gone_away.failFromNowOn();
        const auto outcome = checker->check(sdk::CallContext::unbounded(), recorded, subjectFor("abcdef", 41, 9), &gone_away);
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unreachable);
        CPPUNIT_ASSERT_MESSAGE(outcome.reason, outcome.reason.find("the server went away") != std::string::npos);
    }

    void testSettingsAreChecked() {
        std::string error;
        CPPUNIT_ASSERT(!create({{"algorithm", "rot13"}}, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("algorithm:") != std::string::npos);
        CPPUNIT_ASSERT(!create({{"algorithm", "shake256"}}, &error));
        CPPUNIT_ASSERT(!create({{"block_bytes", "12"}}, &error));
        CPPUNIT_ASSERT(!create({{"trust_cache", "maybe"}}, &error));
        CPPUNIT_ASSERT(!create({{"colour", "blue"}}, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("colour") != std::string::npos);
        CPPUNIT_ASSERT(!create({{"threads", "65"}}, &error));
        CPPUNIT_ASSERT_MESSAGE(error, error.find("threads") != std::string::npos);
    }

    // docs/checker-hash.md, "A folder's hash", worked through by hand with printf | sha256sum.
    void testFolderHashIsTheDocumentedOne() {
        std::string error;
        auto checker = create({}, &error);
        CountingReader a("abc"), b("abc");
        auto docs = describedDocs(*checker, a, b);
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(folderHashing(*checker).describeFolder(sdk::CallContext::unbounded(), docs.folder, docs.beneath, details).isOk());
        CPPUNIT_ASSERT_EQUAL(std::string("sha256:d683c948e252f75508859282d55fdf5a069ddde5d8a218946bb193d177591ef4"), details.hash);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{6}, details.size);  // core's aggregate stays
        // The order core lists items in does not matter.
        std::reverse(docs.beneath.begin(), docs.beneath.end());
        sdk::EntityDetails reversed;
        CPPUNIT_ASSERT(folderHashing(*checker).describeFolder(sdk::CallContext::unbounded(), docs.folder, docs.beneath, reversed).isOk());
        CPPUNIT_ASSERT_EQUAL(details.hash, reversed.hash);
    }

    void testFolderHashFollowsNamesAndStructure() {
        std::string error;
        auto checker = create({}, &error);
        CountingReader a("abc"), b("abc");
        const auto docs = describedDocs(*checker, a, b);
        const auto hashOf = [&](const sdk::FolderContents& beneath) {
            sdk::EntityDetails details;
            CPPUNIT_ASSERT(folderHashing(*checker).describeFolder(sdk::CallContext::unbounded(), docs.folder, beneath, details).isOk());
            return details.hash;
        };
        const auto original = hashOf(docs.beneath);
        auto renamed = docs.beneath;
        renamed[0].path = "A.txt";
        auto moved = docs.beneath;
        moved[3].path = "empty/b\tc";
        auto without_empty = docs.beneath;
        without_empty.erase(without_empty.begin() + 1);
        auto extra = docs.beneath;
        extra.push_back(folderEntry("empty/deeper"));
        for (const auto& other : {renamed, moved, without_empty, extra}) CPPUNIT_ASSERT(hashOf(other) != original);
    }

    void testUnchangedFolderIsNotReadAndAContentChangeBeneathIsAChange() {
        std::string error;
        auto checker = create({{"cache_file", (dir_ / "hashes").string()}}, &error);
        auto& hashing = folderHashing(*checker);
        CountingReader a("abc"), b("abc");
        const auto docs = describedDocs(*checker, a, b);
        sdk::EntityDetails recorded;
        CPPUNIT_ASSERT(hashing.describeFolder(sdk::CallContext::unbounded(), docs.folder, docs.beneath, recorded).isOk());
        // The next check: every file beneath comes from the cache, nothing is read.
        CountingReader a2("abc"), b2("abc");
        const auto again = describedDocs(*checker, a2, b2);
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, a2.served() + b2.served());
        auto outcome = hashing.checkFolder(sdk::CallContext::unbounded(), recorded, again.folder, again.beneath);
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unchanged);
        CPPUNIT_ASSERT_EQUAL(recorded.hash, outcome.current.hash);
        // sub/b<TAB>c rewritten with the same size and time set back: only its change time moved.
        CountingReader a3("abc"), b3("xyz");
        const auto rewritten = describedDocs(*checker, a3, b3, 2);
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, a3.served());
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, b3.served());
        outcome = hashing.checkFolder(sdk::CallContext::unbounded(), recorded, rewritten.folder, rewritten.beneath);
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::changed);
        CPPUNIT_ASSERT(outcome.current.hash != recorded.hash);
        CPPUNIT_ASSERT_EQUAL(std::string("sha256:"), outcome.current.hash.substr(0, 7));
    }

    void testFolderRecordsOfOtherCheckersAreNotChanges() {
        std::string error;
        auto checker = create({}, &error);
        CountingReader a("abc"), b("abc");
        const auto docs = describedDocs(*checker, a, b);
        const auto by_timestamp_size = docs.folder.current;  // no hash: as recorded before folders had one
        auto outcome = folderHashing(*checker).checkFolder(sdk::CallContext::unbounded(), by_timestamp_size, docs.folder, docs.beneath);
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unchanged);
        CPPUNIT_ASSERT(outcome.current.hash.empty());
        auto grown = docs.folder;
        grown.current.size = 7;
        outcome = folderHashing(*checker).checkFolder(sdk::CallContext::unbounded(), by_timestamp_size, grown, docs.beneath);
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::changed);
        CPPUNIT_ASSERT_EQUAL(std::string("sha256:"), outcome.current.hash.substr(0, 7));
    }

    // ThreadSanitizer runs this suite too (scripts/test.sh --tsan): the cache is the only state
    // the threads share.
    void testManyThreadsAtOnceGetTheRightHashes() {
        std::string error;
        auto checker = create({{"cache_file", (dir_ / "hashes").string()}, {"threads", "4"}}, &error);
        CPPUNIT_ASSERT_MESSAGE(error, checker);
        auto* concurrent = static_cast<sdk::ConcurrentChecks*>(checker->extension(sdk::kConcurrentChecksExtension));
        CPPUNIT_ASSERT(concurrent);
        CPPUNIT_ASSERT_EQUAL(std::size_t{4}, concurrent->maxConcurrentCalls());
        CPPUNIT_ASSERT(!checker->extension("relaysync.checker.unknown/1"));
        std::vector<std::thread> threads;
        std::vector<int> wrong(4, 0);
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 50; ++i) {
                    // Half the files are the same for every thread (the cache), half its own.
                    const std::uint64_t id = i % 2 ? 1000 + i : 2000 + t * 100 + i;
                    CountingReader reader("abc");
                    sdk::EntityDetails details;
                    if (!checker->describe(sdk::CallContext::unbounded(), subjectFor("abc", id), &reader, details).isOk() ||
                        details.hash != kAbcSha256)
                        ++wrong[t];
                    CountingReader again("abc");
                    if (checker->check(sdk::CallContext::unbounded(), details, subjectFor("abc", id), &again).verdict !=
                        sdk::Verdict::unchanged)
                        ++wrong[t];
                }
            });
        for (auto& thread : threads) thread.join();
        for (const int count : wrong) CPPUNIT_ASSERT_EQUAL(0, count);
    }

private:
    fs::path dir_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(HashCheckerTest);

}  // namespace relaysync::tests
