// CheckResource (Fig. 16) and CheckAnotherResourceInfo: what planResourceCheck decides for each
// entry a terminal owns, without changing anything itself.
#include <cppunit/extensions/HelperMacros.h>

#include "checker/timestamp_size_checker.h"
#include "core_test_support.h"
#include "engine/resource_check.h"
#include "memory_store.h"
#include "plain_store.h"

namespace relaysync::core::coretest {

using relaysync::test::MemoryStore;

namespace {
// One file, "file.txt" (10 bytes, time 1000); counts how often it is looked at.
class CountingStore final : public relaysync::test::PlainStore {
public:
    sdk::Status stat(const sdk::CallContext&, const std::string& path, sdk::EntityDetails& details) override {
        ++stats;
        if (path != "file.txt") return sdk::Status::notFound(path);
        details = {sdk::EntityKind::file, 1000, 10, {}, {}};
        return sdk::Status::ok();
    }
    sdk::Status list(const sdk::CallContext&, const std::string&, sdk::FolderListing& items) override {
        items.clear();
        return sdk::Status::ok();
    }
    sdk::Status read(const sdk::CallContext&, const std::string&, std::uint64_t, std::size_t, std::vector<char>&) override {
        return sdk::Status::ok();
    }
    std::string describe() const override { return "counting"; }
    int stats = 0;
};

class ThrowingChecker final : public sdk::EntityChecker {
public:
    sdk::CheckOutcome check(const sdk::CallContext&, const sdk::EntityDetails&, const sdk::CheckSubject&,
                            sdk::ContentReader*) override {
        throw std::runtime_error("hash plugin crashed");
    }
};
}  // namespace

class ResourceCheckTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ResourceCheckTest);
    CPPUNIT_TEST(unchangedEntityPlansNothing);
    CPPUNIT_TEST(changedEntityGetsNewDetailsAndVersion);
    CPPUNIT_TEST(goneEntityInMarkModeIsMarkedFileNotFound);
    CPPUNIT_TEST(alreadyMarkedGoneEntityIsNotMarkedAgain);
    CPPUNIT_TEST(goneEntityInRemoveModeBecomesATombstone);
    CPPUNIT_TEST(unreachableStoreMarksUnreachableWithAProblem);
    CPPUNIT_TEST(alreadyUnreachableEntryIsNotRewritten);
    CPPUNIT_TEST(unknownPrefixIsUnreachableNeverGone);
    CPPUNIT_TEST(malformedLocationIsUnreachableNeverGone);
    CPPUNIT_TEST(entityListedInManySharesIsLookedAtOnce);
    CPPUNIT_TEST(returningEntityRecovers);
    CPPUNIT_TEST(returningChangedEntityRecoversWithNewDetails);
    CPPUNIT_TEST(entityInTwoSharesUpdatesBoth);
    CPPUNIT_TEST(goneEntityInTwoSharesIsRemovedFromBoth);
    CPPUNIT_TEST(deletionLimitAbortsWithNothingPlanned);
    CPPUNIT_TEST(deletionLimitIsNotHitAtExactlyTheLimit);
    CPPUNIT_TEST(namesFilterChecksOnlyTheNamedEntries);
    CPPUNIT_TEST(otherOwnersAndTombstonesAreNotChecked);
    CPPUNIT_TEST(throwingCheckerIsUnreachable);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        dir_ = std::make_unique<TempDir>();
        database_ = std::make_unique<Database>(dir_->url());
        shares_ = std::make_unique<ShareRepository>(*database_);
        store_ = std::make_shared<MemoryStore>("c");
        router_ = std::make_unique<StoreRouter>();
        router_->add("c:", store_);
    }
    void tearDown() override {
        router_.reset();
        shares_.reset();
        database_.reset();
        dir_.reset();
    }

    void unchangedEntityPlansNothing() {
        share("s1", "a.txt", "c:/a.txt", 10, 1000);
        store_->putFile("a.txt", 10, 1000);
        const auto plan = check("s1");
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.checked);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.unchanged);
        CPPUNIT_ASSERT(plan.updates.empty());
        CPPUNIT_ASSERT(plan.deletions.empty());
        CPPUNIT_ASSERT(!plan.aborted);
        CPPUNIT_ASSERT_EQUAL(std::string("s1"), plan.report.share_id);
    }

    void changedEntityGetsNewDetailsAndVersion() {
        share("s1", "a.txt", "c:/a.txt", 10, 1000, 4);
        store_->putFile("a.txt", 25, 2000);
        const auto plan = check("s1");
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.changed);
        // The report names it, with its owner.
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, plan.report.changed_entries.size());
        CPPUNIT_ASSERT_EQUAL(0u, static_cast<unsigned>(plan.report.changed_entries[0].rfind("a.txt (", 0)));
        const auto& next = only(plan.updates, "s1");
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{25}, next.details.size);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2000}, next.details.modified_ms);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{5}, next.version);
        CPPUNIT_ASSERT_EQUAL(std::string(kStatusOk), next.status);
        CPPUNIT_ASSERT(!next.removed);
        // Planning changes nothing stored.
        CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, shares_->entry("s1", "a.txt")->version);
    }

    void goneEntityInMarkModeIsMarkedFileNotFound() {
        share("s1", "a.txt", "c:/a.txt", 10, 1000, 2);
        const auto plan = check("s1", {}, GoneEntityMode::mark);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.gone);
        CPPUNIT_ASSERT(plan.deletions.empty());
        const auto& next = only(plan.updates, "s1");
        CPPUNIT_ASSERT_EQUAL(std::string(kStatusFileNotFound), next.status);
        CPPUNIT_ASSERT(!next.removed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, next.version);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{10}, next.details.size);  // last known details are kept
    }

    void alreadyMarkedGoneEntityIsNotMarkedAgain() {
        share("s1", "a.txt", "c:/a.txt", 10, 1000, 2, kStatusFileNotFound);
        const auto plan = check("s1", {}, GoneEntityMode::mark);
        CPPUNIT_ASSERT(plan.updates.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, plan.report.gone);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.checked);
    }

    void goneEntityInRemoveModeBecomesATombstone() {
        share("s1", "a.txt", "c:/a.txt", 10, 1000, 2);
        const auto plan = check("s1", {}, GoneEntityMode::remove);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.gone);
        CPPUNIT_ASSERT(plan.updates.empty());
        const auto& next = only(plan.deletions, "s1");
        CPPUNIT_ASSERT(next.removed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, next.version);
        CPPUNIT_ASSERT_EQUAL(std::string("a.txt"), next.name);
    }

    void unreachableStoreMarksUnreachableWithAProblem() {
        share("s1", "a.txt", "c:/a.txt", 10, 1000);
        store_->setReachable(false);
        for (const auto mode : {GoneEntityMode::mark, GoneEntityMode::remove}) {
            const auto plan = check("s1", {}, mode);
            CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.unreachable);
            CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, plan.report.gone);
            CPPUNIT_ASSERT(plan.deletions.empty());
            CPPUNIT_ASSERT_EQUAL(std::string(kStatusUnreachable), only(plan.updates, "s1").status);
            CPPUNIT_ASSERT(!only(plan.updates, "s1").removed);
            CPPUNIT_ASSERT_EQUAL(std::size_t{1}, plan.report.problems.size());
            RS_ASSERT_CONTAINS(plan.report.problems[0], kClient11);
            RS_ASSERT_CONTAINS(plan.report.problems[0], "a.txt");
            RS_ASSERT_CONTAINS(plan.report.problems[0], "c is not mounted");
        }
    }

    void alreadyUnreachableEntryIsNotRewritten() {
        share("s1", "a.txt", "c:/a.txt", 10, 1000, 1, kStatusUnreachable);
        store_->setReachable(false);
        const auto plan = check("s1");
        CPPUNIT_ASSERT(plan.updates.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.unreachable);
    }

    void unknownPrefixIsUnreachableNeverGone() {
        share("s1", "budget", "network/z:/folderZ/budget.xls", 10, 1000);
        const auto plan = check("s1", {}, GoneEntityMode::remove);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.unreachable);
        CPPUNIT_ASSERT(plan.deletions.empty());
        CPPUNIT_ASSERT_EQUAL(std::string(kStatusUnreachable), only(plan.updates, "s1").status);
        RS_ASSERT_CONTAINS(plan.report.problems.at(0), "no store serves");
    }

    void malformedLocationIsUnreachableNeverGone() {
        share("s1", "escape", "c:/../etc/passwd", 10, 1000);
        const auto plan = check("s1", {}, GoneEntityMode::remove);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.unreachable);
        CPPUNIT_ASSERT(plan.deletions.empty());
        RS_ASSERT_CONTAINS(plan.report.problems.at(0), "not allowed");
    }

    void entityListedInManySharesIsLookedAtOnce() {
        auto counting = std::make_shared<CountingStore>();
        StoreRouter router;
        router.add("x:", counting);
        for (const auto* id : {"s1", "s2", "s3"})
            shares_->putEntryIfNewer(makeEntry(id, "file", kClient11, "x:/file.txt", 1, 10, 1000));
        const auto plan = planResourceCheck(kClient11, "s1", {}, *shares_, router, checker_, {});
        // The report speaks of the asked share only; the others are checked all the same.
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.checked);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.unchanged);
        CPPUNIT_ASSERT_EQUAL(1, counting->stats);
    }

    void returningEntityRecovers() {
        for (const auto* status : {kStatusFileNotFound, kStatusUnreachable}) {
            tearDown();
            setUp();
            share("s1", "a.txt", "c:/a.txt", 10, 1000, 3, status);
            store_->putFile("a.txt", 10, 1000);
            const auto plan = check("s1");
            CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.recovered);
            CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, plan.report.unchanged);
            const auto& next = only(plan.updates, "s1");
            CPPUNIT_ASSERT_EQUAL(std::string(kStatusOk), next.status);
            CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, next.version);
        }
    }

    void returningChangedEntityRecoversWithNewDetails() {
        share("s1", "a.txt", "c:/a.txt", 10, 1000, 3, kStatusFileNotFound);
        store_->putFile("a.txt", 11, 3000);
        const auto plan = check("s1");
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.recovered);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, plan.report.changed);
        const auto& next = only(plan.updates, "s1");
        CPPUNIT_ASSERT_EQUAL(std::string(kStatusOk), next.status);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{11}, next.details.size);
    }

    void entityInTwoSharesUpdatesBoth() {
        share("s1", "folderA", "c:/folderA", 10, 1000, 1);
        share("s2", "budget-folder", "c:/folderA", 10, 1000, 7);
        store_->putFile("folderA/x.txt", 12, 5000);
        const auto plan = check("s1");
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.checked);  // s2 is not reported to s1's asker
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.changed);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, plan.updates.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, only(plan.updates, "s1").version);
        CPPUNIT_ASSERT_EQUAL(std::string("budget-folder"), only(plan.updates, "s2").name);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{8}, only(plan.updates, "s2").version);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{12}, only(plan.updates, "s2").details.size);
    }

    void goneEntityInTwoSharesIsRemovedFromBoth() {
        share("s1", "folderA", "c:/folderA", 10, 1000);
        share("s2", "folderA", "c:/folderA", 10, 1000);
        const auto plan = check("s1", {}, GoneEntityMode::remove);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, plan.deletions.size());
        CPPUNIT_ASSERT(only(plan.deletions, "s1").removed);
        CPPUNIT_ASSERT(only(plan.deletions, "s2").removed);
    }

    void deletionLimitAbortsWithNothingPlanned() {
        share("s1", "a", "c:/a", 1, 1);
        share("s1", "b", "c:/b", 1, 1);
        share("s1", "c", "c:/c", 1, 1);
        share("s1", "d", "c:/d", 1, 1);
        store_->putFile("d", 2, 2);  // changed: would be updated, but nothing is when aborted
        for (const auto mode : {GoneEntityMode::mark, GoneEntityMode::remove}) {
            const auto plan = check("s1", {}, mode, 2);
            CPPUNIT_ASSERT(plan.aborted);
            CPPUNIT_ASSERT(plan.updates.empty());
            CPPUNIT_ASSERT(plan.deletions.empty());
            CPPUNIT_ASSERT_EQUAL(std::size_t{1}, plan.report.problems.size());
            CPPUNIT_ASSERT_EQUAL(kClient11 + ": deletion limit: 3 entries would be removed or marked gone, the limit "
                                             "is 2; nothing was changed",
                                 plan.report.problems[0]);
            // The counts still show what was found.
            CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, plan.report.gone);
            CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.changed);
            CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, plan.report.checked);
        }
    }

    void deletionLimitIsNotHitAtExactlyTheLimit() {
        share("s1", "a", "c:/a", 1, 1);
        share("s1", "b", "c:/b", 1, 1);
        const auto plan = check("s1", {}, GoneEntityMode::remove, 2);
        CPPUNIT_ASSERT(!plan.aborted);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, plan.deletions.at("s1").size());
        CPPUNIT_ASSERT(plan.report.problems.empty());
    }

    void namesFilterChecksOnlyTheNamedEntries() {
        share("s1", "folderA", "c:/folderA", 1, 1);
        share("s1", "folderB", "c:/folderB", 1, 1);
        share("s1", "folderE", "c:/folderE", 1, 1);
        const auto plan = check("s1", {"folderB", "folderE", "not-there"});
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, plan.report.checked);
        const auto& updated = plan.updates.at("s1");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, updated.size());
        CPPUNIT_ASSERT_EQUAL(std::string("folderB"), updated[0].name);
        CPPUNIT_ASSERT_EQUAL(std::string("folderE"), updated[1].name);
    }

    void otherOwnersAndTombstonesAreNotChecked() {
        share("s1", "mine", "c:/mine", 1, 1);
        auto theirs = makeEntry("s1", "theirs", kClient21, "c:/theirs");
        shares_->putEntryIfNewer(theirs);
        auto removed = makeEntry("s1", "old", kClient11, "c:/old", 2);
        removed.removed = true;
        shares_->putEntryIfNewer(removed);
        store_->putFile("mine", 1, 1);
        const auto plan = check("s1", {}, GoneEntityMode::remove);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.checked);
        CPPUNIT_ASSERT(plan.deletions.empty());
        CPPUNIT_ASSERT(plan.updates.empty());
    }

    void throwingCheckerIsUnreachable() {
        share("s1", "a.txt", "c:/a.txt", 10, 1000);
        store_->putFile("a.txt", 10, 1000);  // only an entity that is there reaches the checker
        ThrowingChecker checker;
        const auto plan = planResourceCheck(kClient11, "s1", {}, *shares_, *router_, checker,
                                            {GoneEntityMode::remove, 100});
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, plan.report.unreachable);
        CPPUNIT_ASSERT(plan.deletions.empty());
        RS_ASSERT_CONTAINS(plan.report.problems.at(0), "hash plugin crashed");
    }

private:
    void share(const std::string& share_id, const std::string& name, const std::string& location, std::uint64_t size,
               std::int64_t modified_ms, std::int64_t version = 1, const char* status = kStatusOk) {
        auto stored = makeEntry(share_id, name, kClient11, location, version, size, modified_ms);
        stored.status = status;
        CPPUNIT_ASSERT(shares_->putEntryIfNewer(stored));
    }

    CheckPlan check(const std::string& share_id, const std::vector<std::string>& names = {},
                    GoneEntityMode mode = GoneEntityMode::mark, std::size_t max_removals = 100) {
        return planResourceCheck(kClient11, share_id, names, *shares_, *router_, checker_, {mode, max_removals});
    }

    static const ResourceEntry& only(const std::map<std::string, std::vector<ResourceEntry>>& planned,
                                     const std::string& share_id) {
        const auto found = planned.find(share_id);
        CPPUNIT_ASSERT_MESSAGE("nothing planned for " + share_id, found != planned.end());
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, found->second.size());
        return found->second.front();
    }

    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<ShareRepository> shares_;
    std::shared_ptr<MemoryStore> store_;
    std::unique_ptr<StoreRouter> router_;
    TimestampSizeChecker checker_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ResourceCheckTest);

}  // namespace relaysync::core::coretest
