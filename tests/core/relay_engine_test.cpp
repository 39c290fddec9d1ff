// A relay's side of group formation, sharing and the synchronize fan-out (Fig. 10-16), one
// relay at a time: state is put in its database directly, messages are fed by hand, and what
// it would send is read from its outbox.
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <set>

#include "engine_test_support.h"

namespace relaysync::core::coretest {

namespace {

}  // namespace

class RelayEngineTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RelayEngineTest);
    CPPUNIT_TEST(createGroupWithAPeerInvitesIt);
    CPPUNIT_TEST(createGroupRefusesItselfAsPeer);
    CPPUNIT_TEST(invitedRelayJoinsAndAsksTheOthersForServerInfo);
    CPPUNIT_TEST(serverInfoRequestIsAnsweredWithOwnTerminalsOnly);
    CPPUNIT_TEST(serverInfoCannotSpeakForAnotherRelaysTerminals);
    CPPUNIT_TEST(groupUpdateFromAnotherRelayCannotRewriteThisRelaysTerminals);
    CPPUNIT_TEST(addTerminalTellsOtherRelaysOwnTerminalsAndTheNewcomer);
    CPPUNIT_TEST(deleteTerminalOfAnotherRelayIsRefused);
    CPPUNIT_TEST(newShareGoesToMemberRelaysAndOwnMemberTerminals);
    CPPUNIT_TEST(shareWithANonShareableMemberIsRefused);
    CPPUNIT_TEST(policyDataOfALargeShareFitsTheMessageLimit);
    CPPUNIT_TEST(ownTerminalsUpdateGoesToMemberRelaysAndOtherOwnMembers);
    CPPUNIT_TEST(anotherRelaysUpdateGoesOnlyToOwnMembers);
    CPPUNIT_TEST(updateOfSomebodyElsesEntryIsRefused);
    CPPUNIT_TEST(synchronizeAsksEveryMemberRelayAndOwnMemberAndSumsTheirReports);
    CPPUNIT_TEST(targetedSynchronizeAsksOnlyTheOwnersOfTheNamedResources);
    CPPUNIT_TEST(synchronizeFromAStrangerIsAnsweredWithAProblemReport);
    CPPUNIT_TEST(unreachableMemberIsReportedNotWaitedFor);
    CPPUNIT_TEST(memberOfUnknownReachabilityIsWaitedFor);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        quietLogs();
        dir_ = std::make_unique<TempDir>();
        database_ = std::make_unique<Database>(dir_->url("relay1.db"));
        relay_ = std::make_unique<RelayEngine>(*database_, kRelay1, "Branch A",
                                               RelayPolicy{{kRelay2}, {kClient11, kClient12, "client13@relay-server1.net"}});
    }
    void tearDown() override {
        relay_.reset();
        database_.reset();
        dir_.reset();
    }

    void createGroupWithAPeerInvitesIt() {
        const auto group_id = relay_->createGroup(kRelay2);
        CPPUNIT_ASSERT_EQUAL(std::string("0001@relay-server1"), group_id);
        CPPUNIT_ASSERT_EQUAL(std::string("0002@relay-server1"), relay_->createGroup(std::nullopt));
        const auto sent = outboxOf(*relay_);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, sent.size());
        CPPUNIT_ASSERT(sent[0].type == MessageType::group_info);
        CPPUNIT_ASSERT_EQUAL(kRelay2, sent[0].to);
        const auto group = groupFromJson(json::requireObject(sent[0].body, "group", "body"), "body.group");
        CPPUNIT_ASSERT_EQUAL(group_id, group.id);
        CPPUNIT_ASSERT(group.hasRelay(kRelay1));
        CPPUNIT_ASSERT(group.hasRelay(kRelay2));
        CPPUNIT_ASSERT_EQUAL(std::string("Branch A"), group.findRelay(kRelay1)->display_name);
    }

    void createGroupRefusesItselfAsPeer() {
        CPPUNIT_ASSERT_THROW(relay_->createGroup(kRelay1), CommandError);
        CPPUNIT_ASSERT_THROW(relay_->createGroup(std::string()), CommandError);
        CPPUNIT_ASSERT(relay_->groups().groupIds().empty());
    }

    void invitedRelayJoinsAndAsksTheOthersForServerInfo() {
        relay_->receive(peer(kRelay2), makePayload(MessageType::group_info, kRelay2 + "#1", kRelay2, kRelay1,
                                             groupInfoBody("0001@relay-server2", {{kRelay2, "Branch B"}, {kRelay1, ""}, {kRelay3, ""}},
                                                           {makeTerminal(kClient21, kRelay2, 1)})));
        const auto group = relay_->groups().find("0001@relay-server2");
        CPPUNIT_ASSERT(group.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("Branch A"), group->findRelay(kRelay1)->display_name);
        const auto asked = outboxOf(*relay_, MessageType::request_server_info);
        CPPUNIT_ASSERT((destinations(asked) == std::multiset<std::string>{kRelay2, kRelay3}));
        const auto requester = groupRelayFromJson(json::requireObject(asked[0].body, "relay", "body"), "body.relay");
        CPPUNIT_ASSERT_EQUAL(kRelay1, requester.account);
        CPPUNIT_ASSERT_EQUAL(std::string("Branch A"), requester.display_name);
        const auto answers = outboxOf(*relay_, MessageType::answer);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, answers.size());
        CPPUNIT_ASSERT(json::requireBool(answers[0].body, "ok", "body"));
    }

    void serverInfoRequestIsAnsweredWithOwnTerminalsOnly() {
        formGroup();
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("group_id", kGroup);
        body->set("relay", toJson(GroupRelay{kRelay2, "Branch B"}));
        relay_->receive(peer(kRelay2), makePayload(MessageType::request_server_info, kRelay2 + "#9", kRelay2, kRelay1, body));
        CPPUNIT_ASSERT_EQUAL(std::string("Branch B"), relay_->groups().find(kGroup)->findRelay(kRelay2)->display_name);
        const auto replies = outboxOf(*relay_, MessageType::server_info);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, replies.size());
        CPPUNIT_ASSERT_EQUAL(kRelay2, replies[0].to);
        const auto terminals = json::requireArray(replies[0].body, "terminals", "body");
        std::set<std::string> listed;
        for (std::size_t i = 0; i < terminals->size(); ++i)
            listed.insert(terminalFromJson(json::objectAt(terminals, i, "t"), "t").account);
        CPPUNIT_ASSERT((listed == std::set<std::string>{kClient11, kClient12}));
    }

    void serverInfoCannotSpeakForAnotherRelaysTerminals() {
        formGroup();
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("group_id", kGroup);
        body->set("relay", toJson(GroupRelay{kRelay2, "Branch B"}));
        Poco::JSON::Array::Ptr terminals = new Poco::JSON::Array;
        terminals->add(toJson(makeTerminal(kClient22, kRelay2, 1)));
        terminals->add(toJson(makeTerminal(kClient31, kRelay3, 1)));          // not relay-server2's
        terminals->add(toJson(makeTerminal(kClient11, kRelay1, 50, true)));   // this relay's own
        body->set("terminals", terminals);
        relay_->receive(peer(kRelay2), makePayload(MessageType::server_info, kRelay2 + "#9", kRelay2, kRelay1, body));
        const auto group = *relay_->groups().find(kGroup);
        CPPUNIT_ASSERT(group.findTerminal(kClient22) != nullptr);
        CPPUNIT_ASSERT(group.findTerminal(kClient31) == nullptr);
        CPPUNIT_ASSERT(group.findTerminal(kClient11) != nullptr);
    }

    // Terminal records are "written only by its own relay, which numbers its versions"
    // (model/relay_group.h), and server-info holds to it. An update-group-info from another
    // relay of the group must not tombstone, or move, a terminal registered here.
    void groupUpdateFromAnotherRelayCannotRewriteThisRelaysTerminals() {
        formGroup();
        auto forged_removal = makeTerminal(kClient11, kRelay1, 50, true);
        auto forged_move = makeTerminal(kClient12, kRelay2, 50);
        relay_->receive(peer(kRelay2), makePayload(MessageType::update_group_info, kRelay2 + "#9", kRelay2, kRelay1,
                                             groupInfoBody(kGroup, {{kRelay1, ""}, {kRelay2, ""}},
                                                           {forged_removal, forged_move})));
        const auto c11 = relay_->groups().terminalRecord(kGroup, kClient11);
        const auto c12 = relay_->groups().terminalRecord(kGroup, kClient12);
        CPPUNIT_ASSERT_MESSAGE("relay-server2 removed relay-server1's terminal client11", !c11->removed);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("relay-server2 moved client12 to itself", kRelay1, c12->relay);
    }

    void addTerminalTellsOtherRelaysOwnTerminalsAndTheNewcomer() {
        formGroup();
        const std::string newcomer = "client13@relay-server1.net";
        relay_->addTerminal(kGroup, newcomer, "Client 13", "Sales");
        const auto record = relay_->groups().terminalRecord(kGroup, newcomer);
        CPPUNIT_ASSERT(record.has_value());
        CPPUNIT_ASSERT_EQUAL(kRelay1, record->relay);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, record->version);
        const auto adds = outboxOf(*relay_, MessageType::add_group_info);
        CPPUNIT_ASSERT((destinations(adds) == std::multiset<std::string>{kRelay2, kClient11, kClient12}));
        const auto infos = outboxOf(*relay_, MessageType::group_info);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, infos.size());
        CPPUNIT_ASSERT_EQUAL(newcomer, infos[0].to);
        const auto group = groupFromJson(json::requireObject(infos[0].body, "group", "body"), "body.group");
        CPPUNIT_ASSERT(group.findTerminal(newcomer) != nullptr);
        CPPUNIT_ASSERT(group.findTerminal(kClient21) != nullptr);
        CPPUNIT_ASSERT_THROW(relay_->addTerminal(kGroup, newcomer, "again", ""), CommandError);
    }

    void deleteTerminalOfAnotherRelayIsRefused() {
        formGroup();
        const auto error = thrownMessage<CommandError>([&] { relay_->deleteTerminal(kGroup, kClient21); });
        RS_ASSERT_CONTAINS(error, kRelay2);
        CPPUNIT_ASSERT(!relay_->groups().terminalRecord(kGroup, kClient21)->removed);
        relay_->deleteTerminal(kGroup, kClient12);
        CPPUNIT_ASSERT(relay_->groups().terminalRecord(kGroup, kClient12)->removed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, relay_->groups().terminalRecord(kGroup, kClient12)->version);
        const auto deletes = outboxOf(*relay_, MessageType::delete_group_info);
        CPPUNIT_ASSERT((destinations(deletes) == std::multiset<std::string>{kRelay2, kClient11, kClient12}));
    }

    void newShareGoesToMemberRelaysAndOwnMemberTerminals() {
        formGroup();
        Share created{kS1, kGroup, "workspace1", kClient11, {kClient11, kClient12, kClient21}, 1};
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("share", toJson(created));
        relay_->receive(peer(kClient11), makePayload(MessageType::create_shared_resource, kClient11 + "#1", kClient11, kRelay1, body));
        CPPUNIT_ASSERT(created == *relay_->shares().find(kS1));
        const auto policies = outboxOf(*relay_, MessageType::policy_data);
        CPPUNIT_ASSERT((destinations(policies) == std::multiset<std::string>{kRelay2, kClient12}));
        const auto answers = outboxOf(*relay_, MessageType::answer);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, answers.size());
        CPPUNIT_ASSERT(json::requireBool(answers[0].body, "ok", "body"));
        CPPUNIT_ASSERT_EQUAL(kClient11, answers[0].to);
    }

    void shareWithANonShareableMemberIsRefused() {
        formGroup();
        Share created{kS1, kGroup, "workspace1", kClient11, {kClient11, kClient31}, 1};
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("share", toJson(created));
        relay_->receive(peer(kClient11), makePayload(MessageType::create_shared_resource, kClient11 + "#1", kClient11, kRelay1, body));
        CPPUNIT_ASSERT(!relay_->shares().find(kS1).has_value());
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::policy_data).empty());
        const auto answers = outboxOf(*relay_, MessageType::answer);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, answers.size());
        CPPUNIT_ASSERT(!json::requireBool(answers[0].body, "ok", "body"));
        RS_ASSERT_CONTAINS(json::requireString(answers[0].body, "reason", "body"), kClient31);
    }

    // decode() refuses anything over kMaxMessageBytes, so a node must never send more: such a
    // message is taken by the transport and then dropped by every receiver, for good.
    // policy-data carries every entry of the share; a share with a few thousand entries with
    // long locations is enough.
    void policyDataOfALargeShareFitsTheMessageLimit() {
        formShare();
        {
            Transaction transaction(*database_);
            const std::string long_path(600, 'p');
            for (int i = 0; i < 5000; ++i) {
                const auto name = "resource-" + std::to_string(i);
                relay_->shares().putEntryIfNewer(
                    makeEntry(kS1, name + "-" + long_path, kClient11, "c:/" + long_path + "/" + name));
            }
            transaction.commit();
        }
        Share redefined{kS1, kGroup, "workspace1", kClient11, {kClient11, kClient12, kClient21, kClient22}, 2};
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("share", toJson(redefined));
        relay_->receive(peer(kClient11), makePayload(MessageType::create_shared_resource, kClient11 + "#3", kClient11, kRelay1, body));
        const auto outbox = relay_->messages().outbox();
        CPPUNIT_ASSERT(!outbox.empty());
        for (const auto& item : outbox) {
            CPPUNIT_ASSERT_MESSAGE("a message of " + std::to_string(item.payload.size()) + " bytes to " +
                                       item.destination + " exceeds the " + std::to_string(kMaxMessageBytes) +
                                       "-byte limit every receiver enforces",
                                   item.payload.size() <= kMaxMessageBytes);
        }
    }

    void ownTerminalsUpdateGoesToMemberRelaysAndOtherOwnMembers() {
        formShare();
        const auto entry = makeEntry(kS1, "folderA", kClient11, "c:/folderA", 1);
        relay_->receive(peer(kClient11), makePayload(MessageType::update_resource_info, kClient11 + "#5", kClient11, kRelay1,
                                               entriesBody(kS1, {entry})));
        CPPUNIT_ASSERT(entry == *relay_->shares().entry(kS1, "folderA"));
        const auto updates = outboxOf(*relay_, MessageType::update_resource_info);
        CPPUNIT_ASSERT((destinations(updates) == std::multiset<std::string>{kRelay2, kClient12}));
        // The same version again changes nothing and is not passed on.
        relay_->receive(peer(kClient11), makePayload(MessageType::update_resource_info, kClient11 + "#6", kClient11, kRelay1,
                                               entriesBody(kS1, {entry})));
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, outboxOf(*relay_, MessageType::update_resource_info).size());
    }

    void anotherRelaysUpdateGoesOnlyToOwnMembers() {
        formShare();
        const auto entry = makeEntry(kS1, "folderB", kClient21, "c:/folderB", 1);
        relay_->receive(peer(kRelay2), makePayload(MessageType::update_resource_info, kRelay2 + "#5", kRelay2, kRelay1,
                                             entriesBody(kS1, {entry})));
        CPPUNIT_ASSERT(relay_->shares().entry(kS1, "folderB").has_value());
        const auto updates = outboxOf(*relay_, MessageType::update_resource_info);
        CPPUNIT_ASSERT((destinations(updates) == std::multiset<std::string>{kClient11, kClient12}));
    }

    void updateOfSomebodyElsesEntryIsRefused() {
        formShare();
        const auto forged = makeEntry(kS1, "folderB", kClient21, "c:/folderB", 1);
        relay_->receive(peer(kClient11), makePayload(MessageType::update_resource_info, kClient11 + "#5", kClient11, kRelay1,
                                               entriesBody(kS1, {forged})));
        CPPUNIT_ASSERT(!relay_->shares().entry(kS1, "folderB").has_value());
        const auto answers = outboxOf(*relay_, MessageType::answer);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, answers.size());
        CPPUNIT_ASSERT(!json::requireBool(answers[0].body, "ok", "body"));
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::update_resource_info).empty());
    }

    void synchronizeAsksEveryMemberRelayAndOwnMemberAndSumsTheirReports() {
        formShare();
        relay_->receive(peer(kClient11), makePayload(MessageType::synchronize_instruction, kClient11 + "#7", kClient11, kRelay1,
                                               SyncRequest(kClient11 + "/sync-1", kS1, {}).toBody()));
        const auto to_relays = outboxOf(*relay_, MessageType::synchronize);
        const auto to_terminals = outboxOf(*relay_, MessageType::synchronize_instruction);
        CPPUNIT_ASSERT((destinations(to_relays) == std::multiset<std::string>{kRelay2}));
        CPPUNIT_ASSERT((destinations(to_terminals) == std::multiset<std::string>{kClient12}));

        reportTo(kRelay2, kClient11 + "/sync-1", 3);
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::synchronize_result).empty());
        reportTo(kClient12, kClient11 + "/sync-1", 2);
        const auto results = outboxOf(*relay_, MessageType::synchronize_result);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, results.size());
        CPPUNIT_ASSERT_EQUAL(kClient11, results[0].to);
        const auto report = reportFromJson(json::requireObject(results[0].body, "report", "body"), "body.report");
        CPPUNIT_ASSERT_EQUAL(std::int64_t{5}, report.checked);
        CPPUNIT_ASSERT_EQUAL(kClient11 + "/sync-1", report.sync_id);
    }

    // Fig. 14: only the owners of the named resources and the relays on their way are asked.
    void targetedSynchronizeAsksOnlyTheOwnersOfTheNamedResources() {
        formShare();
        relay_->shares().putEntryIfNewer(makeEntry(kS1, "folderA", kClient12, "c:/folderA"));
        relay_->shares().putEntryIfNewer(makeEntry(kS1, "folderB", kClient21, "c:/folderB"));
        relay_->shares().putEntryIfNewer(makeEntry(kS1, "folderC", kClient11, "c:/folderC"));
        const auto sync_id = relay_->synchronize(kS1, {"folderB", "folderQ"});
        const auto to_relays = outboxOf(*relay_, MessageType::synchronize);
        CPPUNIT_ASSERT((destinations(to_relays) == std::multiset<std::string>{kRelay2}));
        CPPUNIT_ASSERT((SyncRequest::fromBody(to_relays[0].body).names == std::vector<std::string>{"folderB"}));
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::synchronize_instruction).empty());
        reportTo(kRelay2, sync_id, 1);
        const auto result = relay_->syncs().result(sync_id);
        CPPUNIT_ASSERT(result.has_value());
        CPPUNIT_ASSERT((result->unknown_resources == std::vector<std::string>{"folderQ"}));
    }

    void synchronizeFromAStrangerIsAnsweredWithAProblemReport() {
        formShare();
        relay_->receive(peer(kRelay3), makePayload(MessageType::synchronize, kRelay3 + "#1", kRelay3, kRelay1,
                                             SyncRequest(kRelay3 + "/sync-1", kS1, {}).toBody()));
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::synchronize_instruction).empty());
        const auto results = outboxOf(*relay_, MessageType::synchronize_result);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, results.size());
        CPPUNIT_ASSERT_EQUAL(kRelay3, results[0].to);
        const auto report = reportFromJson(json::requireObject(results[0].body, "report", "body"), "body.report");
        CPPUNIT_ASSERT_EQUAL(kRelay3 + "/sync-1", report.sync_id);
        RS_ASSERT_CONTAINS(report.problems.at(0), "may not synchronize");
    }

    void unreachableMemberIsReportedNotWaitedFor() {
        formShare();
        relay_->setReachabilityQuery([](const std::string& account) {
            return account == kRelay2 ? sdk::Reachability::unreachable : sdk::Reachability::reachable;
        });
        const auto sync_id = relay_->synchronize(kS1, {});
        // Asked anyway, to check when it is back.
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, outboxOf(*relay_, MessageType::synchronize).size());
        reportTo(kClient11, sync_id, 1);
        CPPUNIT_ASSERT(!relay_->syncs().result(sync_id).has_value());
        reportTo(kClient12, sync_id, 1);
        const auto result = relay_->syncs().result(sync_id);
        CPPUNIT_ASSERT(result.has_value());
        CPPUNIT_ASSERT((result->unreachable_nodes == std::vector<std::string>{kRelay2}));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, result->checked);
    }

    // A transport that learns reachability only by trying (SIP) says `unknown`: such a peer is
    // asked and waited for, within the sync's deadline, not reported unreachable up front.
    void memberOfUnknownReachabilityIsWaitedFor() {
        formShare();
        relay_->setReachabilityQuery([](const std::string& account) {
            return account == kRelay2 ? sdk::Reachability::unknown : sdk::Reachability::reachable;
        });
        const auto sync_id = relay_->synchronize(kS1, {});
        reportTo(kClient11, sync_id, 1);
        reportTo(kClient12, sync_id, 1);
        CPPUNIT_ASSERT(!relay_->syncs().result(sync_id).has_value());
    }

private:
    void formGroup() { formTestGroup(*relay_); }
    void formShare() { formTestShare(*relay_); }

    void reportTo(const std::string& from, const std::string& sync_id, std::int64_t checked) {
        SyncReport report;
        report.sync_id = sync_id;
        report.share_id = kS1;
        report.checked = checked;
        report.unchanged = checked;
        relay_->receive(peer(from), makePayload(MessageType::synchronize_result, from + "#r." + std::to_string(++reports_), from,
                                          kRelay1, reportBody(report)));
    }

    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<Database> database_;
    std::unique_ptr<RelayEngine> relay_;
    int reports_ = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RelayEngineTest);

}  // namespace relaysync::core::coretest
