// A terminal's own commands and what it accepts from its relay: shares, resources, CheckResource
// results stored and published together, and nobody else rewriting what it owns.
#include <cppunit/extensions/HelperMacros.h>

#include "engine_test_support.h"

namespace relaysync::core::coretest {

class TerminalEngineTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TerminalEngineTest);
    CPPUNIT_TEST(createShareSendsTheDefinitionToTheRelay);
    CPPUNIT_TEST(createShareRefusesNonMembersOfTheGroup);
    CPPUNIT_TEST(addResourceRecordsDetailsAndPublishesThem);
    CPPUNIT_TEST(addResourceAtAnUnknownPrefixChangesNothing);
    CPPUNIT_TEST(addResourcesAddsAllInOneMessageOrNone);
    CPPUNIT_TEST(checkStoresAndPublishesTheNewVersion);
    CPPUNIT_TEST(checkAbortedByTheDeletionLimitChangesNothing);
    CPPUNIT_TEST(entriesOwnedByThisTerminalAreNotRewrittenByOthers);
    CPPUNIT_TEST(policyDataDoesNotRewriteThisTerminalsOwnEntries);
    CPPUNIT_TEST(policyDataForAShareItIsNotInIsNotKept);
    CPPUNIT_TEST(resourceInfoForAnUnknownShareWaitsForIt);
    CPPUNIT_TEST(synchronizeWithItsRelayDownFinishesAtOnce);
    CPPUNIT_TEST(synchronizeInstructionIsAnsweredWithAReport);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        quietLogs();
        dir_ = std::make_unique<TempDir>();
        t_ = std::make_unique<TerminalHarness>(*dir_, CheckPolicy{GoneEntityMode::remove, 1});
        t_->joinGroup();
    }
    void tearDown() override {
        t_.reset();
        dir_.reset();
    }

    void createShareSendsTheDefinitionToTheRelay() {
        t_->clearOutbox();
        const auto id = engine().createShare(kGroup, "workspace1", {kClient21});
        CPPUNIT_ASSERT_EQUAL(kShareTime + kClient11, id);
        const auto stored = engine().shares().find(id);
        CPPUNIT_ASSERT(stored.has_value());
        CPPUNIT_ASSERT((stored->members == std::vector<std::string>{kClient11, kClient21}));
        CPPUNIT_ASSERT_EQUAL(kClient11, stored->creator);
        const auto sent = outboxOf(engine());
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent.size());
        CPPUNIT_ASSERT(sent[0].type == MessageType::create_shared_resource);
        CPPUNIT_ASSERT_EQUAL(kRelay1, sent[0].to);
        CPPUNIT_ASSERT(*stored == shareFromJson(json::requireObject(sent[0].body, "share", "body"), "body.share"));
        // Same second, second share: a distinct id.
        CPPUNIT_ASSERT(engine().createShare(kGroup, "workspace2", {}) != id);
    }

    void createShareRefusesNonMembersOfTheGroup() {
        t_->clearOutbox();
        const auto error = thrownMessage<CommandError>(
            [&] { engine().createShare(kGroup, "w", {"client99@relay-server9.net"}); });
        RS_ASSERT_CONTAINS(error, "client99@relay-server9.net");
        CPPUNIT_ASSERT_THROW(engine().createShare("0009@relay-server1", "w", {}), CommandError);
        CPPUNIT_ASSERT(engine().shares().shares().empty());
        CPPUNIT_ASSERT(engine().messages().outbox().empty());
    }

    void addResourceRecordsDetailsAndPublishesThem() {
        const auto share_id = engine().createShare(kGroup, "workspace1", {kClient21});
        t_->store->putFile("folderA/x.txt", 10, 100);
        t_->store->putFile("folderA/y.txt", 5, 200);
        t_->clearOutbox();
        engine().addResource(share_id, "folderA", "c:/folderA");
        const auto stored = engine().shares().entry(share_id, "folderA");
        CPPUNIT_ASSERT(stored.has_value());
        CPPUNIT_ASSERT_EQUAL(kClient11, stored->owner);
        CPPUNIT_ASSERT(stored->details.kind == sdk::EntityKind::folder);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{15}, stored->details.size);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, stored->version);
        const auto sent = outboxOf(engine(), MessageType::update_resource_info);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent.size());
        const auto entries = entriesFromJson(sent[0].body, "entries", "body");
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, entries.size());
        CPPUNIT_ASSERT(*stored == entries[0]);
    }

    void addResourceAtAnUnknownPrefixChangesNothing() {
        const auto share_id = engine().createShare(kGroup, "workspace1", {});
        t_->clearOutbox();
        CPPUNIT_ASSERT_THROW(engine().addResource(share_id, "folderD", "d:/folderD"), CommandError);
        CPPUNIT_ASSERT_THROW(engine().addResource(share_id, "missing", "c:/missing"), CommandError);
        CPPUNIT_ASSERT_THROW(engine().addResource(share_id, "escape", "c:/../etc"), CommandError);
        t_->store->putFile("a.txt", 10, 100);
        CPPUNIT_ASSERT_THROW(engine().addResource(share_id, "line\nbreak", "c:/a.txt"), CommandError);
        CPPUNIT_ASSERT_THROW(engine().addResource(share_id, "", "c:/a.txt"), CommandError);
        CPPUNIT_ASSERT_THROW(engine().addResource(share_id, std::string(1025, 'n'), "c:/a.txt"), CommandError);
        CPPUNIT_ASSERT_THROW(engine().createShare(kGroup, "tab\there", {}), CommandError);
        CPPUNIT_ASSERT(engine().shares().entries(share_id).empty());
        CPPUNIT_ASSERT(engine().messages().outbox().empty());
    }

    // Many at once: one update message for all (under the payload limit), and one bad pair adds
    // none. A folder's children come in name order with their own locations.
    void addResourcesAddsAllInOneMessageOrNone() {
        const auto share_id = engine().createShare(kGroup, "workspace1", {});
        for (int i = 0; i < 5; ++i) t_->store->putFile("docs/f" + std::to_string(i) + ".txt", 10 + i, 100);
        t_->clearOutbox();
        CPPUNIT_ASSERT_THROW(engine().addResources(share_id, {{"f0", "c:/docs/f0.txt"}, {"gone", "c:/docs/missing"}}),
                             CommandError);
        CPPUNIT_ASSERT_THROW(engine().addResources(share_id, {{"f0", "c:/docs/f0.txt"}, {"f0", "c:/docs/f1.txt"}}),
                             CommandError);
        CPPUNIT_ASSERT(engine().shares().entries(share_id).empty());
        CPPUNIT_ASSERT(engine().messages().outbox().empty());

        const auto children = engine().childrenOf("c:/docs");
        CPPUNIT_ASSERT_EQUAL(std::size_t{5}, children.size());
        CPPUNIT_ASSERT_EQUAL(std::string("f0.txt"), children[0].first);
        CPPUNIT_ASSERT_EQUAL(std::string("c:/docs/f0.txt"), children[0].second);
        engine().addResources(share_id, children);
        CPPUNIT_ASSERT_EQUAL(std::size_t{5}, engine().shares().entries(share_id).size());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{14}, engine().shares().entry(share_id, "f4.txt")->details.size);
        const auto sent = outboxOf(engine(), MessageType::update_resource_info);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t{5}, entriesFromJson(sent[0].body, "entries", "body").size());
    }

    void checkStoresAndPublishesTheNewVersion() {
        const auto share_id = engine().createShare(kGroup, "workspace1", {});
        t_->store->putFile("a.txt", 10, 100);
        engine().addResource(share_id, "a", "c:/a.txt");
        t_->store->putFile("a.txt", 11, 150);
        t_->clearOutbox();
        const auto report = engine().checkResources(share_id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, report.changed);
        const auto stored = *engine().shares().entry(share_id, "a");
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, stored.version);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t{11}, stored.details.size);
        const auto sent = outboxOf(engine(), MessageType::update_resource_info);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent.size());
        CPPUNIT_ASSERT(stored == entriesFromJson(sent[0].body, "entries", "body").at(0));
    }

    void checkAbortedByTheDeletionLimitChangesNothing() {
        const auto share_id = engine().createShare(kGroup, "workspace1", {});
        t_->store->putFile("a.txt", 1, 1);
        t_->store->putFile("b.txt", 1, 1);
        engine().addResource(share_id, "a", "c:/a.txt");
        engine().addResource(share_id, "b", "c:/b.txt");
        t_->store->remove("a.txt");
        t_->store->remove("b.txt");
        t_->clearOutbox();
        const auto report = engine().checkResources(share_id);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, report.problems.size());
        RS_ASSERT_CONTAINS(report.problems[0], "the limit is 1");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, engine().shares().entries(share_id).size());
        CPPUNIT_ASSERT(engine().messages().outbox().empty());
    }

    void entriesOwnedByThisTerminalAreNotRewrittenByOthers() {
        const auto share_id = engine().createShare(kGroup, "workspace1", {kClient12});
        t_->store->putFile("a.txt", 10, 100);
        engine().addResource(share_id, "a", "c:/a.txt");
        auto forged = *engine().shares().entry(share_id, "a");
        forged.version = 99;
        forged.location = "c:/elsewhere";
        auto theirs = makeEntry(share_id, "b", kClient12, "c:/b", 1);
        t_->fromRelay(MessageType::update_resource_info, kRelay1 + "#50", entriesBody(share_id, {forged, theirs}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, engine().shares().entry(share_id, "a")->version);
        CPPUNIT_ASSERT_EQUAL(std::string("c:/a.txt"), engine().shares().entry(share_id, "a")->location);
        CPPUNIT_ASSERT(engine().shares().entry(share_id, "b").has_value());
    }

    // update-resource-info skips entries this terminal owns ("Nobody else may rewrite what this
    // terminal owns"); policy-data carries entries too and must hold to the same rule.
    void policyDataDoesNotRewriteThisTerminalsOwnEntries() {
        const auto share_id = engine().createShare(kGroup, "workspace1", {kClient12});
        t_->store->putFile("a.txt", 10, 100);
        engine().addResource(share_id, "a", "c:/a.txt");
        auto forged = *engine().shares().entry(share_id, "a");
        forged.version = 9;
        forged.location = "c:/elsewhere";
        Poco::JSON::Object::Ptr policy = new Poco::JSON::Object;
        policy->set("share", toJson(*engine().shares().find(share_id)));
        policy->set("entries", toJson(std::vector<ResourceEntry>{forged}));
        t_->fromRelay(MessageType::policy_data, kRelay1 + "#40", policy);
        const auto stored = *engine().shares().entry(share_id, "a");
        CPPUNIT_ASSERT_EQUAL_MESSAGE("the relay rewrote an entry this terminal owns", std::string("c:/a.txt"),
                                     stored.location);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, stored.version);
    }

    void policyDataForAShareItIsNotInIsNotKept() {
        Poco::JSON::Object::Ptr policy = new Poco::JSON::Object;
        Share others{("s-others" + kClient12), kGroup, "theirs", kClient12, {kClient12, kClient21}, 1};
        policy->set("share", toJson(others));
        policy->set("entries", toJson(std::vector<ResourceEntry>{makeEntry(("s-others" + kClient12), "x", kClient12, "c:/x")}));
        t_->fromRelay(MessageType::policy_data, kRelay1 + "#41", policy);
        CPPUNIT_ASSERT(!engine().shares().find(("s-others" + kClient12)).has_value());
        CPPUNIT_ASSERT(engine().shares().entriesWithTombstones(("s-others" + kClient12)).empty());
        const auto answers = outboxOf(engine(), MessageType::answer);
        CPPUNIT_ASSERT(json::requireBool(answers.back().body, "ok", "body"));
    }

    void resourceInfoForAnUnknownShareWaitsForIt() {
        const auto entry = makeEntry(("s-later" + kClient12), "b", kClient12, "c:/b", 1);
        t_->fromRelay(MessageType::update_resource_info, kRelay1 + "#60", entriesBody(("s-later" + kClient12), {entry}));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, engine().messages().deferred().size());
        Poco::JSON::Object::Ptr policy = new Poco::JSON::Object;
        Share later{("s-later" + kClient12), kGroup, "later", kClient12, {kClient11, kClient12}, 1};
        policy->set("share", toJson(later));
        policy->set("entries", toJson(std::vector<ResourceEntry>{}));
        t_->fromRelay(MessageType::policy_data, kRelay1 + "#61", policy);
        CPPUNIT_ASSERT(engine().messages().deferred().empty());
        CPPUNIT_ASSERT(engine().shares().entry(("s-later" + kClient12), "b").has_value());
    }

    void synchronizeWithItsRelayDownFinishesAtOnce() {
        const auto share_id = engine().createShare(kGroup, "workspace1", {});
        t_->store->putFile("a.txt", 10, 100);
        engine().addResource(share_id, "a", "c:/a.txt");
        engine().setReachabilityQuery([](const std::string&) { return sdk::Reachability::unreachable; });
        const auto sync_id = engine().synchronize(share_id);
        const auto result = engine().syncs().result(sync_id);
        CPPUNIT_ASSERT(result.has_value());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, result->checked);
        CPPUNIT_ASSERT((result->unreachable_nodes == std::vector<std::string>{kRelay1}));
        // The instruction is still queued: the relay checks when it is back.
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, outboxOf(engine(), MessageType::synchronize_instruction).size());
    }

    void synchronizeInstructionIsAnsweredWithAReport() {
        const auto share_id = engine().createShare(kGroup, "workspace1", {});
        t_->store->putFile("a.txt", 10, 100);
        engine().addResource(share_id, "a", "c:/a.txt");
        t_->clearOutbox();
        t_->fromRelay(MessageType::synchronize_instruction, kRelay1 + "#70",
                      SyncRequest("relay-server1@net/sync-1", share_id, {}).toBody());
        t_->fromRelay(MessageType::synchronize_instruction, kRelay1 + "#71",
                      SyncRequest("relay-server1@net/sync-2", "no-such-share", {}).toBody());
        const auto results = outboxOf(engine(), MessageType::synchronize_result);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, results.size());
        const auto first = reportFromJson(json::requireObject(results[0].body, "report", "body"), "body.report");
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server1@net/sync-1"), first.sync_id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, first.unchanged);
        const auto second = reportFromJson(json::requireObject(results[1].body, "report", "body"), "body.report");
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server1@net/sync-2"), second.sync_id);
        RS_ASSERT_CONTAINS(second.problems.at(0), "not a member");
    }

private:
    TerminalEngine& engine() { return *t_->engine; }

    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<TerminalHarness> t_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(TerminalEngineTest);

}  // namespace relaysync::core::coretest
