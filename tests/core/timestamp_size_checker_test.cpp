// The built-in entity checker: unchanged while kind, time and size match; gone only on
// not_found; any other failure to look is unreachable, never gone.
#include <cppunit/extensions/HelperMacros.h>

#include "checker/timestamp_size_checker.h"
#include "core_test_support.h"
#include "memory_store.h"

namespace relaysync::core::coretest {

using relaysync::test::MemoryStore;

namespace {

// A store whose stat always fails with one status.
class FailingStore final : public sdk::ResourceStore {
public:
    explicit FailingStore(sdk::Status status) : status_(std::move(status)) {}
    sdk::Status stat(const std::string&, sdk::EntityDetails&) override { return status_; }
    sdk::Status list(const std::string&, sdk::FolderListing&) override { return status_; }
    sdk::Status read(const std::string&, std::uint64_t, std::size_t, std::vector<char>&) override { return status_; }
    std::string describe() const override { return "failing"; }

private:
    sdk::Status status_;
};

const sdk::EntityDetails kRecorded{sdk::EntityKind::file, 5000, 100, {}};

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
    CPPUNIT_TEST_SUITE_END();

public:
    void sameTimeAndSizeIsUnchanged() {
        MemoryStore store;
        store.putFile("a.txt", 100, 5000);
        TimestampSizeChecker checker;
        const auto outcome = checker.check(kRecorded, store, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unchanged);
        CPPUNIT_ASSERT(outcome.current == kRecorded);
    }

    void otherSizeIsChangedWithTheNewDetails() {
        MemoryStore store;
        store.putFile("a.txt", 101, 5000);
        TimestampSizeChecker checker;
        const auto outcome = checker.check(kRecorded, store, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::changed);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{101}, outcome.current.size);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{5000}, outcome.current.modified_ms);
    }

    void otherTimeIsChanged() {
        MemoryStore store;
        store.putFile("a.txt", 100, 4999);
        TimestampSizeChecker checker;
        const auto outcome = checker.check(kRecorded, store, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::changed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{4999}, outcome.current.modified_ms);
    }

    void otherKindIsChanged() {
        MemoryStore store;
        store.putFolder("a.txt", 5000);
        TimestampSizeChecker checker;
        sdk::EntityDetails recorded{sdk::EntityKind::file, 5000, 0, {}};
        const auto outcome = checker.check(recorded, store, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::changed);
        CPPUNIT_ASSERT(outcome.current.kind == sdk::EntityKind::folder);
    }

    void notFoundIsGone() {
        MemoryStore store;
        TimestampSizeChecker checker;
        const auto outcome = checker.check(kRecorded, store, "missing.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::gone);
        RS_ASSERT_CONTAINS(outcome.reason, "missing.txt");
    }

    void unreachableStoreIsUnreachable() {
        MemoryStore store("z");
        store.putFile("a.txt", 100, 5000);
        store.setReachable(false);
        TimestampSizeChecker checker;
        const auto outcome = checker.check(kRecorded, store, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unreachable);
        RS_ASSERT_CONTAINS(outcome.reason, "z is not mounted");
    }

    void otherStoreErrorsAreUnreachableNotGone() {
        TimestampSizeChecker checker;
        for (auto status : {sdk::Status::permissionDenied("access denied"), sdk::Status::ioError("bad sector"),
                            sdk::Status::invalidArgument("escapes"), sdk::Status::internal("bug")}) {
            FailingStore store(status);
            const auto outcome = checker.check(kRecorded, store, "a.txt");
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
        const auto outcome = checker.check(recorded, store, "a.txt");
        CPPUNIT_ASSERT(outcome.verdict == sdk::Verdict::unchanged);
        CPPUNIT_ASSERT_EQUAL(std::string("sha256:abcd"), outcome.current.hash);
    }

    void describeIsTheStoresStat() {
        MemoryStore store;
        store.putFile("a.txt", 77, 88);
        TimestampSizeChecker checker;
        sdk::EntityDetails details;
        CPPUNIT_ASSERT(checker.describe(store, "a.txt", details).isOk());
        CPPUNIT_ASSERT(details == (sdk::EntityDetails{sdk::EntityKind::file, 88, 77, {}}));
        CPPUNIT_ASSERT(checker.describe(store, "nope", details).isNotFound());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TimestampSizeCheckerTest);

}  // namespace relaysync::core::coretest
