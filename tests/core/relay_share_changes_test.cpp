// A relay's side of a share's later definitions (docs/protocol.md §4.3): a new member gets the
// whole copy, former members hear the new definition, a deletion is kept as a tombstone and
// passed on, and only the creator may do any of it. Hostile or late messages change nothing.
#include <cppunit/extensions/HelperMacros.h>

#include <set>

#include "engine/share_messages.h"
#include "engine_test_support.h"

namespace relaysync::core::coretest {

namespace {
const std::string kS2 = "s2" + kClient21;  // created at relay-server2


}  // namespace

class RelayShareChangesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RelayShareChangesTest);
    CPPUNIT_TEST(anAddedMemberGetsTheWholeCopy);
    CPPUNIT_TEST(aRemovedMemberHearsTheDefinitionThatDropsIt);
    CPPUNIT_TEST(membersKeptFromBeforeNeedNotBeAdmittedAnyMore);
    CPPUNIT_TEST(aNonCreatorCannotChangeOrDeleteTheShare);
    CPPUNIT_TEST(aDeletionIsKeptAndPassedToEveryHolder);
    CPPUNIT_TEST(aDeletedShareIdCannotBeDefinedAgain);
    CPPUNIT_TEST(lateMessagesOfADeletedShareChangeNothing);
    CPPUNIT_TEST(onlyTheOwnerRemovesAResource);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        quietLogs();
        dir_ = std::make_unique<TempDir>();
        database_ = std::make_unique<Database>(dir_->url("relay1.db"));
        relay_ = std::make_unique<RelayEngine>(*database_, kRelay1, "Branch A", RelayPolicy{{}, {kClient11, kClient12}});
        auto& groups = relay_->groups();
        groups.addGroup(kGroup);
        groups.putRelay(kGroup, {kRelay1, "Branch A"});
        groups.putRelay(kGroup, {kRelay2, "Branch B"});
        for (const auto& t : {makeTerminal(kClient11, kRelay1, 1), makeTerminal(kClient12, kRelay1, 1),
                              makeTerminal(kClient21, kRelay2, 1), makeTerminal(kClient22, kRelay2, 1)})
            groups.putTerminalIfNewer(kGroup, t);
        // s1 of client11 and client21, with an entry of each.
        relay_->shares().putIfNewer(share({kClient11, kClient21}, 1));
        relay_->shares().putEntryIfNewer(makeEntry(kS1, "folderA", kClient11, "c:/folderA", 2));
        relay_->shares().putEntryIfNewer(makeEntry(kS1, "budget", kClient21, "c:/budget", 3));
    }
    void tearDown() override {
        relay_.reset();
        database_.reset();
        dir_.reset();
    }

    // client12, at this relay, joins: its policy-data carries every record; relay-server2 gets
    // the definition with this relay's own terminals' records only.
    void anAddedMemberGetsTheWholeCopy() {
        define(kClient11, share({kClient11, kClient12, kClient21}, 2));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, relay_->shares().find(kS1)->version);
        const auto policies = outboxOf(*relay_, MessageType::policy_data);
        CPPUNIT_ASSERT((destinations(policies) == std::multiset<std::string>{kRelay2, kClient12}));
        for (const auto& policy : policies) {
            const auto data = PolicyData::fromBody(policy.body);
            CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, data.share.version);
            std::set<std::string> owners;
            for (const auto& entry : data.entries) owners.insert(entry.owner);
            CPPUNIT_ASSERT(owners == (policy.to == kClient12 ? std::set<std::string>{kClient11, kClient21}
                                                               : std::set<std::string>{kClient11}));
        }
        CPPUNIT_ASSERT(json::requireBool(outboxOf(*relay_, MessageType::answer).back().body, "ok", "body"));
    }

    void aRemovedMemberHearsTheDefinitionThatDropsIt() {
        relay_->shares().putIfNewer(share({kClient11, kClient12, kClient21}, 2));
        define(kClient11, share({kClient11, kClient21}, 3));
        CPPUNIT_ASSERT(!relay_->shares().find(kS1)->isMember(kClient12));
        const auto policies = outboxOf(*relay_, MessageType::policy_data);
        CPPUNIT_ASSERT((destinations(policies) == std::multiset<std::string>{kRelay2, kClient12}));
    }

    // client22 was withdrawn from the group while a member; client11 may still change its share.
    void membersKeptFromBeforeNeedNotBeAdmittedAnyMore() {
        relay_->shares().putIfNewer(share({kClient11, kClient21, kClient22}, 2));
        relay_->groups().putTerminalIfNewer(kGroup, makeTerminal(kClient22, kRelay2, 2, true));
        define(kClient11, share({kClient11, kClient12, kClient21, kClient22}, 3));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, relay_->shares().find(kS1)->version);
        // A member added now must be admitted.
        define(kClient11, share({kClient11, kClient12, kClient21, kClient22, "client23@relay-server2.net"}, 4));
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "client23@relay-server2.net is not a shareable terminal");
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, relay_->shares().find(kS1)->version);
    }

    // client12 is a terminal of this relay and a member, but not the creator: whatever it says
    // of s1 is refused, and nothing is stored or sent on.
    void aNonCreatorCannotChangeOrDeleteTheShare() {
        relay_->shares().putIfNewer(share({kClient11, kClient12, kClient21}, 2));
        const auto before = *relay_->shares().find(kS1);
        auto members = share({kClient12, kClient21}, 3);
        define(kClient12, members);  // creator still client11
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "only be defined by its creator");
        members.creator = kClient12;  // claims to be the creator of client11's id
        define(kClient12, members);
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "not bound to its creator");
        auto tombstone = share({kClient11, kClient12, kClient21}, 3);
        tombstone.removed = true;
        define(kClient12, tombstone);
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "only be defined by its creator");
        CPPUNIT_ASSERT(before == *relay_->shares().find(kS1));
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, relay_->shares().entries(kS1).size());
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::policy_data).empty());
    }

    void aDeletionIsKeptAndPassedToEveryHolder() {
        relay_->shares().putIfNewer(share({kClient11, kClient12, kClient21}, 2));
        auto tombstone = share({kClient11, kClient12, kClient21}, 3);
        tombstone.removed = true;
        define(kClient11, tombstone);
        CPPUNIT_ASSERT(!relay_->shares().find(kS1));
        CPPUNIT_ASSERT(tombstone == *relay_->shares().record(kS1));
        CPPUNIT_ASSERT(relay_->shares().entriesWithTombstones(kS1).empty());
        const auto policies = outboxOf(*relay_, MessageType::policy_data);
        CPPUNIT_ASSERT((destinations(policies) == std::multiset<std::string>{kRelay2, kClient12}));
        for (const auto& policy : policies) {
            const auto data = PolicyData::fromBody(policy.body);
            CPPUNIT_ASSERT(data.share.removed);
            CPPUNIT_ASSERT(data.entries.empty());
        }
    }

    void aDeletedShareIdCannotBeDefinedAgain() {
        auto tombstone = share({kClient11, kClient21}, 2);
        tombstone.removed = true;
        define(kClient11, tombstone);
        for (const std::int64_t version : {1, 3}) {
            define(kClient11, share({kClient11}, version));
            RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "share " + kS1 + " was deleted");
        }
        CPPUNIT_ASSERT(tombstone == *relay_->shares().record(kS1));
    }

    // relay-server2's share s2 was deleted there: a late older policy-data (with records) and a
    // late update of its records neither revive it nor wait for it.
    void lateMessagesOfADeletedShareChangeNothing() {
        const Share s2{kS2, kGroup, "theirs", kClient21, {kClient11, kClient21}, 1};
        const auto record = makeEntry(kS2, "plan", kClient21, "c:/plan", 4);
        policyFromRelay2(s2, {record});
        CPPUNIT_ASSERT(relay_->shares().entry(kS2, "plan"));
        auto tombstone = s2;
        tombstone.version = 2;
        tombstone.removed = true;
        policyFromRelay2(tombstone, {});
        CPPUNIT_ASSERT(!relay_->shares().find(kS2));
        CPPUNIT_ASSERT((destinations(outboxOf(*relay_, MessageType::policy_data)) ==
                        std::multiset<std::string>{kClient11, kClient11}));

        auto newer = record;
        newer.version = 5;
        policyFromRelay2(s2, {newer});
        relay_->receive(peer(kRelay2), makePayload(MessageType::update_resource_info, kRelay2 + "#" + std::to_string(++ids_),
                                                   kRelay2, kRelay1, entriesBody(kS2, {newer})));
        CPPUNIT_ASSERT(tombstone == *relay_->shares().record(kS2));
        CPPUNIT_ASSERT(relay_->shares().entriesWithTombstones(kS2).empty());
        CPPUNIT_ASSERT(relay_->messages().deferred().empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, outboxOf(*relay_, MessageType::policy_data).size());  // nothing more
    }

    // client12, a member at this relay, cannot remove client11's folderA: neither with a tombstone
    // in client11's name nor by claiming the name with a tombstone of its own. client11 can.
    void onlyTheOwnerRemovesAResource() {
        relay_->shares().putIfNewer(share({kClient11, kClient12, kClient21}, 2));
        auto forged = makeEntry(kS1, "folderA", kClient11, "c:/folderA", 3);
        forged.removed = true;
        removal(kClient12, forged);
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), kClient12 + " cannot change entry 'folderA' owned by " + kClient11);
        auto claimed = forged;
        claimed.owner = kClient12;
        removal(kClient12, claimed);
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "'folderA' is already shared by " + kClient11);
        CPPUNIT_ASSERT(!relay_->shares().entry(kS1, "folderA")->removed);
        CPPUNIT_ASSERT(!relay_->shares().entryOf(kS1, "folderA", kClient12));
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::delete_resource_info).empty());

        removal(kClient11, forged);
        CPPUNIT_ASSERT(relay_->shares().entry(kS1, "folderA")->removed);
        CPPUNIT_ASSERT((destinations(outboxOf(*relay_, MessageType::delete_resource_info)) ==
                        std::multiset<std::string>{kRelay2, kClient12}));
    }

private:
    void removal(const std::string& from, const ResourceEntry& tombstone) {
        relay_->receive(peer(from), makePayload(MessageType::delete_resource_info, from + "#" + std::to_string(++ids_),
                                                from, kRelay1, entriesBody(kS1, {tombstone})));
    }

    static Share share(std::vector<std::string> members, std::int64_t version) {
        return {kS1, kGroup, "workspace1", kClient11, std::move(members), version};
    }

    void define(const std::string& from, const Share& definition) {
        relay_->receive(peer(from), makePayload(MessageType::create_shared_resource, from + "#" + std::to_string(++ids_),
                                                from, kRelay1, ShareDefinition{definition}.toBody()));
    }

    void policyFromRelay2(const Share& definition, const std::vector<ResourceEntry>& entries) {
        relay_->receive(peer(kRelay2), makePayload(MessageType::policy_data, kRelay2 + "#" + std::to_string(++ids_),
                                                   kRelay2, kRelay1, PolicyData{definition, entries}.toBody()));
    }

    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<RelayEngine> relay_;
    int ids_ = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RelayShareChangesTest);

}  // namespace relaysync::core::coretest
