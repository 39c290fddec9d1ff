// Shared resource information as stored: share definitions by version, live entries versus
// tombstones, and the look-up across shares that CheckAnotherResourceInfo relies on.
#include <numeric>
#include <optional>
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <map>

#include "core_test_support.h"
#include "persistence/share_repository.h"

namespace relaysync::core::coretest {

class ShareRepositoryTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ShareRepositoryTest);
    CPPUNIT_TEST(unknownShareIsNotFound);
    CPPUNIT_TEST(putIfNewerStoresDefinitionAndMembers);
    CPPUNIT_TEST(putIfNewerIgnoresOlderAndEqualVersions);
    CPPUNIT_TEST(newerDefinitionReplacesTheMemberList);
    CPPUNIT_TEST(sharesListsEveryShareById);
    CPPUNIT_TEST(entryVersionRules);
    CPPUNIT_TEST(entriesHideTombstonesButEntryAndFullCopyShowThem);
    CPPUNIT_TEST(entryDetailsRoundTrip);
    CPPUNIT_TEST(entriesAtFindsTheEntityInEveryShare);
    CPPUNIT_TEST(removeForgetsTheShareItsMembersAndEntries);
    CPPUNIT_TEST(aDeletedShareIsKeptAsATombstoneWithoutEntries);
    CPPUNIT_TEST(recordsOfFormerMembersAreKeptButNotShown);
    CPPUNIT_TEST(liveEntryCannotBeTakenOverByAnotherOwner);
    CPPUNIT_TEST(removedNameCanBeClaimedByAnotherOwner);
    CPPUNIT_TEST(everyArrivalOrderConvergesToOneState);
    CPPUNIT_TEST(simultaneousAddsAreSettledTheSameWayInEitherOrder);
    CPPUNIT_TEST(ownersRecordsLessHiddenNamesAreThatOwnersVisibleEntries);
    CPPUNIT_TEST(sameUpdatesInAnyOrderEndTheSame);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        dir_ = std::make_unique<TempDir>();
        database_ = std::make_unique<Database>(dir_->url());
        shares_ = std::make_unique<ShareRepository>(*database_);
    }
    void tearDown() override {
        shares_.reset();
        database_.reset();
        dir_.reset();
    }

    void unknownShareIsNotFound() {
        CPPUNIT_ASSERT(!shares_->find("s1").has_value());
        CPPUNIT_ASSERT(shares_->shares().empty());
        CPPUNIT_ASSERT(shares_->entries("s1").empty());
        CPPUNIT_ASSERT(!shares_->entry("s1", "folderA").has_value());
    }

    void putIfNewerStoresDefinitionAndMembers() {
        const Share workspace{"s1", "0001@relay-server1", "workspace1", kClient11, {kClient11, kClient21}, 1};
        CPPUNIT_ASSERT(shares_->putIfNewer(workspace));
        const auto stored = shares_->find("s1");
        CPPUNIT_ASSERT(stored.has_value());
        CPPUNIT_ASSERT(workspace == *stored);
    }

    void putIfNewerIgnoresOlderAndEqualVersions() {
        auto current = makeShare("s1", {kClient11, kClient21}, 3);
        CPPUNIT_ASSERT(shares_->putIfNewer(current));
        auto same = makeShare("s1", {kClient11}, 3);
        same.name = "renamed";
        CPPUNIT_ASSERT(!shares_->putIfNewer(same));
        auto older = makeShare("s1", {kClient11}, 2);
        older.name = "older";
        CPPUNIT_ASSERT(!shares_->putIfNewer(older));
        CPPUNIT_ASSERT(current == *shares_->find("s1"));
    }

    void newerDefinitionReplacesTheMemberList() {
        shares_->putIfNewer(makeShare("s1", {kClient11, kClient12, kClient21}, 1));
        CPPUNIT_ASSERT(shares_->putIfNewer(makeShare("s1", {kClient11, kClient21}, 2)));
        const auto stored = *shares_->find("s1");
        CPPUNIT_ASSERT((stored.members == std::vector<std::string>{kClient11, kClient21}));
        CPPUNIT_ASSERT(!stored.isMember(kClient12));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, stored.version);
    }

    void sharesListsEveryShareById() {
        shares_->putIfNewer(makeShare("s2", {kClient21}));
        shares_->putIfNewer(makeShare("s1", {kClient11}));
        const auto all = shares_->shares();
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, all.size());
        CPPUNIT_ASSERT_EQUAL(std::string("s1"), all[0].id);
        CPPUNIT_ASSERT_EQUAL(std::string("s2"), all[1].id);
        CPPUNIT_ASSERT((all[1].members == std::vector<std::string>{kClient21}));
    }

    void entryVersionRules() {
        CPPUNIT_ASSERT(shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient11, "c:/folderA", 2, 10)));
        CPPUNIT_ASSERT(!shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient11, "c:/folderA", 2, 20)));
        CPPUNIT_ASSERT(!shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient11, "c:/folderA", 1, 30)));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{10}, shares_->entry("s1", "folderA")->details.size);
        CPPUNIT_ASSERT(shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient11, "c:/folderA", 3, 40)));
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{40}, shares_->entry("s1", "folderA")->details.size);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, shares_->entry("s1", "folderA")->version);
    }

    void entriesHideTombstonesButEntryAndFullCopyShowThem() {
        shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient11, "c:/folderA"));
        shares_->putEntryIfNewer(makeEntry("s1", "folderB", kClient11, "c:/folderB"));
        auto tombstone = makeEntry("s1", "folderA", kClient11, "c:/folderA", 2);
        tombstone.removed = true;
        CPPUNIT_ASSERT(shares_->putEntryIfNewer(tombstone));
        // A late copy of the live version does not bring it back.
        CPPUNIT_ASSERT(!shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient11, "c:/folderA", 1)));

        const auto live = shares_->entries("s1");
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, live.size());
        CPPUNIT_ASSERT_EQUAL(std::string("folderB"), live[0].name);
        const auto all = shares_->entriesWithTombstones("s1");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, all.size());
        CPPUNIT_ASSERT_EQUAL(std::string("folderA"), all[0].name);
        CPPUNIT_ASSERT(all[0].removed);
        const auto found = shares_->entry("s1", "folderA");
        CPPUNIT_ASSERT(found.has_value());
        CPPUNIT_ASSERT(found->removed);
    }

    void entryDetailsRoundTrip() {
        auto folder = makeEntry("s1", "folderZ", kClient11, "network/z:/folderZ", 4);
        folder.status = kStatusUnreachable;
        folder.details = {sdk::EntityKind::folder, 1'191'207'632'123, 6'000'000'000ULL, "sha256:00ff", {}};
        shares_->putEntryIfNewer(folder);
        CPPUNIT_ASSERT(folder == *shares_->entry("s1", "folderZ"));
    }

    // Live entries of `owner` at `location` across shares, as CheckAnotherResourceInfo finds
    // them (from the owner's entries, in one query).
    std::vector<ResourceEntry> entriesAt(const std::string& owner, const std::string& location) {
        std::vector<ResourceEntry> found;
        for (auto& entry : shares_->entriesOwnedBy(owner))
            if (entry.location == location) found.push_back(std::move(entry));
        return found;
    }

    void entriesAtFindsTheEntityInEveryShare() {
        shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient11, "c:/folderA"));
        shares_->putEntryIfNewer(makeEntry("s2", "budget", kClient11, "c:/folderA"));
        shares_->putEntryIfNewer(makeEntry("s3", "folderA", kClient21, "c:/folderA"));  // another owner
        shares_->putEntryIfNewer(makeEntry("s4", "other", kClient11, "c:/folderB"));    // another location
        auto gone = makeEntry("s5", "folderA", kClient11, "c:/folderA", 2);
        gone.removed = true;
        shares_->putEntryIfNewer(gone);  // a tombstone

        const auto found = entriesAt(kClient11, "c:/folderA");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, found.size());
        CPPUNIT_ASSERT_EQUAL(std::string("s1"), found[0].share_id);
        CPPUNIT_ASSERT_EQUAL(std::string("folderA"), found[0].name);
        CPPUNIT_ASSERT_EQUAL(std::string("s2"), found[1].share_id);
        CPPUNIT_ASSERT_EQUAL(std::string("budget"), found[1].name);
        CPPUNIT_ASSERT(entriesAt(kClient12, "c:/folderA").empty());
    }

    void removeForgetsTheShareItsMembersAndEntries() {
        shares_->putIfNewer(makeShare("s1", {kClient11}));
        shares_->putIfNewer(makeShare("s2", {kClient11}));
        shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient11, "c:/folderA"));
        shares_->putEntryIfNewer(makeEntry("s2", "folderA", kClient11, "c:/folderA"));
        shares_->remove("s1");
        CPPUNIT_ASSERT(!shares_->find("s1").has_value());
        CPPUNIT_ASSERT(shares_->entriesWithTombstones("s1").empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, entriesAt(kClient11, "c:/folderA").size());
        CPPUNIT_ASSERT(shares_->find("s2").has_value());
        // Stored again afresh, members and all, as a new share.
        CPPUNIT_ASSERT(shares_->putIfNewer(makeShare("s1", {kClient21})));
        CPPUNIT_ASSERT((shares_->find("s1")->members == std::vector<std::string>{kClient21}));
    }

    // Deleting a share keeps its last definition, marked removed, and nothing shared in it;
    // no definition, older or newer, replaces the tombstone.
    void aDeletedShareIsKeptAsATombstoneWithoutEntries() {
        shares_->putIfNewer(makeShare("s1", {kClient11, kClient21}, 2));
        shares_->putIfNewer(makeShare("s2", {kClient11}));
        shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient11, "c:/folderA"));
        shares_->putEntryIfNewer(makeEntry("s1", "budget", kClient21, "c:/budget", 3));
        auto tombstone = makeShare("s1", {kClient11, kClient21}, 3);
        tombstone.removed = true;
        CPPUNIT_ASSERT(shares_->putIfNewer(tombstone));

        CPPUNIT_ASSERT(!shares_->find("s1"));
        CPPUNIT_ASSERT(tombstone == *shares_->record("s1"));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, shares_->shares().size());
        CPPUNIT_ASSERT(shares_->entriesWithTombstones("s1").empty());
        CPPUNIT_ASSERT(shares_->ownerDigests("s1").empty());
        CPPUNIT_ASSERT(entriesAt(kClient11, "c:/folderA").empty());
        for (const std::int64_t version : {2, 3, 4}) {
            CPPUNIT_ASSERT(!shares_->putIfNewer(makeShare("s1", {kClient11}, version)));
            auto again = tombstone;
            again.version = version;
            CPPUNIT_ASSERT(!shares_->putIfNewer(again));
        }
        CPPUNIT_ASSERT(tombstone == *shares_->record("s1"));
        CPPUNIT_ASSERT(!shares_->record("s3"));
    }

    // client21 leaves the share: its records stay (it may come back, numbering on from them) but
    // no longer show, block its names or count in digests; client11's are untouched.
    void recordsOfFormerMembersAreKeptButNotShown() {
        shares_->putIfNewer(makeShare("s1", {kClient11, kClient21}));
        shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient11, "c:/folderA"));
        shares_->putEntryIfNewer(makeEntry("s1", "budget", kClient21, "c:/budget", 3));
        shares_->putEntryIfNewer(makeEntry("s1", "shared", kClient21, "c:/shared", 2));
        const auto both = shares_->ownerDigests("s1");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, both.size());

        shares_->putIfNewer(makeShare("s1", {kClient11}, 2));
        const auto shown = shares_->entries("s1");
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, shown.size());
        CPPUNIT_ASSERT_EQUAL(std::string("folderA"), shown[0].name);
        CPPUNIT_ASSERT(!shares_->entry("s1", "budget"));
        CPPUNIT_ASSERT((shares_->ownerDigests("s1") == OwnerDigests{{kClient11, both.at(kClient11)}}));
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, shares_->entriesWithTombstones("s1").size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, shares_->entryOf("s1", "budget", kClient21)->version);
        // A remaining member may take a name the former member held.
        shares_->putEntryIfNewer(makeEntry("s1", "shared", kClient11, "c:/mine", 1));
        CPPUNIT_ASSERT_EQUAL(kClient11, shares_->entry("s1", "shared")->owner);

        shares_->putIfNewer(makeShare("s1", {kClient11, kClient21}, 3));
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, shares_->entries("s1").size());
        CPPUNIT_ASSERT_EQUAL(both.at(kClient21), shares_->ownerDigests("s1").at(kClient21));
        CPPUNIT_ASSERT_EQUAL(kClient11, shares_->entry("s1", "shared")->owner);  // the smaller owner shows
    }

    // Another owner's record never replaces this one's, whatever its version: it is kept beside
    // it, and the name still shows the smaller owner's live entry.
    void liveEntryCannotBeTakenOverByAnotherOwner() {
        shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient11, "c:/folderA", 3));
        CPPUNIT_ASSERT(shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient21, "c:/mine", 9)));
        CPPUNIT_ASSERT_EQUAL(kClient11, shares_->entry("s1", "folderA")->owner);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, shares_->entry("s1", "folderA")->version);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, shares_->entryOf("s1", "folderA", kClient11)->version);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, shares_->entries("s1").size());
    }

    void removedNameCanBeClaimedByAnotherOwner() {
        auto tombstone = makeEntry("s1", "folderA", kClient11, "c:/folderA", 3);
        tombstone.removed = true;
        shares_->putEntryIfNewer(tombstone);
        CPPUNIT_ASSERT(shares_->entry("s1", "folderA")->removed);
        CPPUNIT_ASSERT(shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient21, "c:/folderA", 1)));
        CPPUNIT_ASSERT_EQUAL(kClient21, shares_->entry("s1", "folderA")->owner);
        CPPUNIT_ASSERT(!shares_->entry("s1", "folderA")->removed);
        CPPUNIT_ASSERT(shares_->entryOf("s1", "folderA", kClient11)->removed);
    }

    // Concurrent add, change, remove and re-add by two owners, applied in every order, leave
    // every replica with the same records and the same visible entry.
    void everyArrivalOrderConvergesToOneState() {
        auto record = [](const std::string& owner, std::int64_t version, bool removed, std::uint64_t size) {
            auto entry = makeEntry("", "folderA", owner, "c:/" + owner, version, size);
            entry.removed = removed;
            return entry;
        };
        const std::vector<ResourceEntry> history{
            record(kClient11, 1, false, 1), record(kClient11, 2, false, 2), record(kClient11, 3, true, 2),
            record(kClient11, 4, false, 4), record(kClient21, 1, false, 5), record(kClient21, 2, true, 5),
            record(kClient21, 3, false, 7)};
        std::vector<std::size_t> order(history.size());
        std::iota(order.begin(), order.end(), 0);
        std::optional<std::vector<ResourceEntry>> first;
        std::size_t replicas = 0;
        Transaction transaction(*database_);
        do {
            const std::string share = "p" + std::to_string(replicas++);
            for (const auto index : order) {
                auto entry = history[index];
                entry.share_id = share;
                shares_->putEntryIfNewer(entry);
                shares_->putEntryIfNewer(entry);  // a duplicate changes nothing
            }
            auto state = shares_->entriesWithTombstones(share);
            state.push_back(*shares_->entry(share, "folderA"));
            for (auto& entry : state) entry.share_id.clear();
            if (!first) first = state;
            CPPUNIT_ASSERT(*first == state);
        } while (std::next_permutation(order.begin(), order.end()));
        CPPUNIT_ASSERT_EQUAL(std::size_t{5040}, replicas);
        // The final state: each owner's latest record; client11's live re-add is shown.
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, first->size());
        CPPUNIT_ASSERT_EQUAL(kClient11, first->back().owner);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, first->back().version);
    }

    void simultaneousAddsAreSettledTheSameWayInEitherOrder() {
        const auto by11 = makeEntry("s1", "folderA", kClient11, "c:/a", 1);
        const auto by21 = makeEntry("s1", "folderA", kClient21, "c:/b", 1);
        shares_->putEntryIfNewer(by11);
        shares_->putEntryIfNewer(by21);
        auto by21_first = by21;
        by21_first.share_id = "s2";
        auto by11_second = by11;
        by11_second.share_id = "s2";
        shares_->putEntryIfNewer(by21_first);
        shares_->putEntryIfNewer(by11_second);
        CPPUNIT_ASSERT_EQUAL(shares_->entry("s1", "folderA")->owner, shares_->entry("s2", "folderA")->owner);
        CPPUNIT_ASSERT_EQUAL(kClient11, shares_->entry("s2", "folderA")->owner);  // the smaller account
    }

    // An owner's records of a share less hiddenNamesOf(share, owner) are entries(share) of that
    // owner, whatever the records: shadowed claims, tombstones and a former member's records.
    void ownersRecordsLessHiddenNamesAreThatOwnersVisibleEntries() {
        shares_->putIfNewer(makeShare("s1", {kClient11, kClient21}));
        shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient11, "c:/a", 1));
        shares_->putEntryIfNewer(makeEntry("s1", "folderA", kClient21, "c:/b", 1));  // shadowed by client11's
        shares_->putEntryIfNewer(makeEntry("s1", "budget", kClient21, "c:/budget", 1));
        auto gone = makeEntry("s1", "old", kClient21, "c:/old", 2);
        gone.removed = true;
        shares_->putEntryIfNewer(gone);
        const auto matches = [&](const std::string& owner) {
            std::vector<std::string> expected, owned;
            for (const auto& entry : shares_->entries("s1"))
                if (entry.owner == owner) expected.push_back(entry.name + "@" + entry.location);
            const auto hidden = shares_->hiddenNamesOf("s1", owner);
            for (const auto& entry : shares_->entriesOwnedBy(owner))
                if (entry.share_id == "s1" && !hidden.count(entry.name)) owned.push_back(entry.name + "@" + entry.location);
            // entries() come by name, entriesOwnedBy() by location: the same records either way.
            std::sort(expected.begin(), expected.end());
            std::sort(owned.begin(), owned.end());
            return expected == owned;
        };
        CPPUNIT_ASSERT(matches(kClient11));
        CPPUNIT_ASSERT(matches(kClient21));
        CPPUNIT_ASSERT(shares_->hiddenNamesOf("s1", kClient21) == std::set<std::string>{"folderA"});
        shares_->putIfNewer(makeShare("s1", {kClient21}, 2));  // client11 leaves: its claim no longer shadows
        CPPUNIT_ASSERT(matches(kClient21));
        CPPUNIT_ASSERT(shares_->hiddenNamesOf("s1", kClient21).empty());
        CPPUNIT_ASSERT(shares_->hiddenNamesOf("s1", kClient11) == std::set<std::string>{"folderA"});
    }

    // Every node must end with the same entry whatever order the messages came in. client11 and
    // client21 add "folderA" at once (both version 1); client21 then rewrites its entry (version
    // 2) before it hears of client11's. Applied here in every order, one order per share.
    void sameUpdatesInAnyOrderEndTheSame() {
        std::vector<ResourceEntry> updates{makeEntry("", "folderA", kClient11, "c:/a", 1),
                                           makeEntry("", "folderA", kClient21, "c:/b", 1),
                                           makeEntry("", "folderA", kClient21, "c:/b", 2, 99)};
        std::vector<int> order{0, 1, 2};
        std::map<std::string, std::string> outcomes;  // order -> final owner and version
        do {
            std::string share_id = "order";
            for (const int i : order) share_id += std::to_string(i);
            for (const int i : order) {
                auto update = updates[static_cast<std::size_t>(i)];
                update.share_id = share_id;
                shares_->putEntryIfNewer(update);
            }
            const auto final_entry = *shares_->entry(share_id, "folderA");
            outcomes[share_id] = final_entry.owner + " v" + std::to_string(final_entry.version);
        } while (std::next_permutation(order.begin(), order.end()));
        std::string seen;
        for (const auto& [which, outcome] : outcomes) seen += which + ": " + outcome + "; ";
        for (const auto& [which, outcome] : outcomes)
            CPPUNIT_ASSERT_EQUAL_MESSAGE("different results by order: " + seen, outcomes.begin()->second, outcome);
    }

private:
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<ShareRepository> shares_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ShareRepositoryTest);

}  // namespace relaysync::core::coretest
