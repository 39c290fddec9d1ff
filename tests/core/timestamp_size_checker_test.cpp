// The built-in entity checker, as core runs it (engine/entity_inspection.h): unchanged while
// kind, time and size match; gone only on not_found; any other failure to look is unreachable,
// never gone. And what core promises every checker: content only when asked for, never `gone`
// from a checker, exceptions contained.
#include <cppunit/extensions/HelperMacros.h>

#include "checker/timestamp_size_checker.h"
#include "engine/entity_inspection.h"
#include "core_test_support.h"
#include "memory_store.h"
#include "plain_store.h"

namespace relaysync::core::coretest {

using relaysync::test::MemoryStore;

namespace {

// A store whose stat always fails with one status.
class FailingStore final : public relaysync::test::PlainStore {
public:
    explicit FailingStore(sdk::Status status) : status_(std::move(status)) {}
    sdk::Status stat(const sdk::CallContext&, const std::string&, sdk::EntityDetails&) override { return status_; }
    sdk::Status list(const sdk::CallContext&, const std::string&, sdk::FolderListing&) override { return status_; }
    sdk::Status read(const sdk::CallContext&, const std::string&, std::uint64_t, std::size_t, std::vector<char>&) override { return status_; }
    std::string describe() const override { return "failing"; }

private:
    sdk::Status status_;
};

const sdk::EntityDetails kRecorded{sdk::EntityKind::file, 5000, 100, {}, {}};

sdk::CheckOutcome inspect(sdk::EntityChecker& checker, sdk::ResourceStore& store, const sdk::EntityDetails& recorded,
                          const std::string& path) {
    return inspectEntity(checker, {&store, "m:", path}, recorded, sdk::CallContext::unbounded());
}

sdk::Status describe(sdk::EntityChecker& checker, sdk::ResourceStore& store, const std::string& path,
                     sdk::EntityDetails& details) {
    return describeEntity(checker, {&store, "m:", path}, sdk::CallContext::unbounded(), details);
}

// A checker that needs content: reads the first bytes, says what it saw.
class ContentChecker final : public sdk::EntityChecker {
public:
    std::uint32_t needs() const override { return sdk::CheckerNeed::content; }
    sdk::CheckOutcome check(const sdk::CallContext&, const sdk::EntityDetails&, const sdk::CheckSubject& subject,
                            sdk::ContentReader* content) override {
        given_reader = content != nullptr;
        sdk::CheckOutcome outcome{sdk::Verdict::unchanged, subject.current, {}};
        if (content) {
            std::vector<char> bytes;
            if (auto status = content->read(0, 2, bytes); !status.isOk()) return {sdk::Verdict::unreachable, {}, status.toString()};
            outcome.current.hash = "first:" + std::string(bytes.begin(), bytes.end());
        }
        return outcome;
    }
    bool given_reader = false;
};

// A checker that breaks the contract: says gone, or throws.
class RogueChecker final : public sdk::EntityChecker {
public:
    explicit RogueChecker(bool throws) : throws_(throws) {}
    sdk::CheckOutcome check(const sdk::CallContext&, const sdk::EntityDetails&, const sdk::CheckSubject&,
                            sdk::ContentReader*) override {
        if (throws_) throw std::runtime_error("checker bug");
        return {sdk::Verdict::gone, {}, "made up"};
    }

private:
    bool throws_;
};

}  // namespace

class TimestampSizeCheckerTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TimestampSizeCheckerTest);
    CPPUNIT_TEST(sameTimeAndSizeIsUnchanged);
    CPPUNIT_TEST(otherSizeIsChangedWithTheNewDetails);
    CPPUNIT_TEST(otherTimeIsChanged);
    CPPUNIT_TEST(otherKindIsChanged);
    CPPUNIT_TEST(notFoundIsGone);
    CPPUNIT_TEST(unreachableStoreIsUnreachable);
    CPPUNIT_TEST(otherStoreErrorsAreUnreachableNotGone);
    CPPUNIT_TEST(recordedHashIsCarriedOver);
    CPPUNIT_TEST(describeIsTheStoresStat);
    CPPUNIT_TEST(changedDropsARecordedHash);
    CPPUNIT_TEST(contentIsGivenOnlyToACheckerThatNeedsIt);
    CPPUNIT_TEST(aCheckerCannotDeclareGoneNorEscapeWithAnException);
    CPPUNIT_TEST(aStoreWithoutContentCannotServeAContentChecker);
    CPPUNIT_TEST_SUITE_END();

public:
    void sameTimeAndSizeIsUnchanged() {
        MemoryStore store;
        store.putFile("a.txt", 100, 5000);
        TimestampSizeChecker checker;
        const auto outcome = inspect(checker, store, kRecorded, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unchanged);
        CPPUNIT_ASSERT(outcome.current == kRecorded);
    }

    void otherSizeIsChangedWithTheNewDetails() {
        MemoryStore store;
        store.putFile("a.txt", 101, 5000);
        TimestampSizeChecker checker;
        const auto outcome = inspect(checker, store, kRecorded, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::changed);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{101}, outcome.current.size);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{5000}, outcome.current.modified_ms);
    }

    void otherTimeIsChanged() {
        MemoryStore store;
        store.putFile("a.txt", 100, 4999);
        TimestampSizeChecker checker;
        const auto outcome = inspect(checker, store, kRecorded, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::changed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{4999}, outcome.current.modified_ms);
    }

    void otherKindIsChanged() {
        MemoryStore store;
        store.putFolder("a.txt", 5000);
        TimestampSizeChecker checker;
        sdk::EntityDetails recorded{sdk::EntityKind::file, 5000, 0, {}, {}};
        const auto outcome = inspect(checker, store, recorded, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::changed);
        CPPUNIT_ASSERT(outcome.current.kind == sdk::EntityKind::folder);
    }

    void notFoundIsGone() {
        MemoryStore store;
        TimestampSizeChecker checker;
        const auto outcome = inspect(checker, store, kRecorded, "missing.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::gone);
        RS_ASSERT_CONTAINS(outcome.reason, "missing.txt");
    }

    void unreachableStoreIsUnreachable() {
        MemoryStore store("z");
        store.putFile("a.txt", 100, 5000);
        store.setReachable(false);
        TimestampSizeChecker checker;
        const auto outcome = inspect(checker, store, kRecorded, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unreachable);
        RS_ASSERT_CONTAINS(outcome.reason, "z is not mounted");
    }

    void otherStoreErrorsAreUnreachableNotGone() {
        TimestampSizeChecker checker;
        for (auto status : {sdk::Status::permissionDenied("access denied"), sdk::Status::ioError("bad sector"),
                            sdk::Status::invalidArgument("escapes"), sdk::Status::internal("bug")}) {
            FailingStore store(status);
            const auto outcome = inspect(checker, store, kRecorded, "a.txt");
            CPPUNIT_ASSERT_MESSAGE(status.toString(), outcome.verdict == sdk::Verdict::unreachable);
            CPPUNIT_ASSERT_EQUAL(status.toString(), outcome.reason);
        }
    }

    void recordedHashIsCarriedOver() {
        MemoryStore store;
        store.putFile("a.txt", 100, 5000);
        TimestampSizeChecker checker;
        sdk::EntityDetails recorded = kRecorded;
        recorded.hash = "sha256:abcd";
        const auto outcome = inspect(checker, store, recorded, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unchanged);
        CPPUNIT_ASSERT_EQUAL(std::string("sha256:abcd"), outcome.current.hash);
    }

    void describeIsTheStoresStat() {
        MemoryStore store;
        store.putFile("a.txt", 77, 88);
        TimestampSizeChecker checker;
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(describe(checker, store, "a.txt", details).isOk());
        CPPUNIT_ASSERT(details == (sdk::EntityDetails{sdk::EntityKind::file, 88, 77, {}, {}}));
        CPPUNIT_ASSERT(describe(checker, store, "nope", details).isNotFound());
    }

    // The hash of old content would be a lie about the new content.
    void changedDropsARecordedHash() {
        MemoryStore store;
        store.putFile("a.txt", 101, 5000);
        TimestampSizeChecker checker;
        sdk::EntityDetails recorded = kRecorded;
        recorded.hash = "sha256:abcd";
        const auto outcome = inspect(checker, store, recorded, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::changed);
        CPPUNIT_ASSERT_EQUAL(std::string(), outcome.current.hash);
    }

    void contentIsGivenOnlyToACheckerThatNeedsIt() {
        MemoryStore store;
        store.putFile("a.txt", 100, 5000);
        store.putFolder("f", 5000);
        ContentChecker checker;
        auto outcome = inspect(checker, store, kRecorded, "a.txt");
        CPPUNIT_ASSERT(checker.given_reader);
        CPPUNIT_ASSERT_EQUAL(std::string("first:"), outcome.current.hash);  // MemoryStore holds no bytes
        outcome = inspect(checker, store, kRecorded, "f");
        CPPUNIT_ASSERT_MESSAGE("a folder has no content to read", !checker.given_reader);
    }

    void aCheckerCannotDeclareGoneNorEscapeWithAnException() {
        MemoryStore store;
        store.putFile("a.txt", 100, 5000);
        RogueChecker says_gone(false), throws(true);
        auto outcome = inspect(says_gone, store, kRecorded, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unreachable);
        RS_ASSERT_CONTAINS(outcome.reason, "made up");
        outcome = inspect(throws, store, kRecorded, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unreachable);
        RS_ASSERT_CONTAINS(outcome.reason, "checker bug");
    }

    void aStoreWithoutContentCannotServeAContentChecker() {
        MemoryStore store;  // declares root_identity only
        ContentChecker needs_content;
        TimestampSizeChecker needs_nothing;
        RS_ASSERT_CONTAINS(checkerStoreMismatch(needs_content, store), "cannot give it");
        CPPUNIT_ASSERT_EQUAL(std::string(), checkerStoreMismatch(needs_nothing, store));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TimestampSizeCheckerTest);

}  // namespace relaysync::core::coretest
