// Who may say what to a relay (docs/protocol.md, "Trust rules"): each message is judged by the
// role its sender's credentials proved, by the stored group, and by who owns what. Every refusal
// changes nothing and is answered or dropped with a reason.
#include <cppunit/extensions/HelperMacros.h>

#include "engine_test_support.h"

namespace relaysync::core::coretest {

namespace {

}  // namespace

class TrustTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TrustTest);
    CPPUNIT_TEST(aTerminalCannotActAsARelay);
    CPPUNIT_TEST(aRelayCannotActAsATerminal);
    CPPUNIT_TEST(aTerminalOfAnotherRelayIsDropped);
    CPPUNIT_TEST(anInvitationWaitsForTheOperator);
    CPPUNIT_TEST(anAcceptedInvitationJoinsAndAnswersTheInviter);
    CPPUNIT_TEST(aRefusedInvitationIsAnsweredWithTheReason);
    CPPUNIT_TEST(aKnownGroupChangesOnlyOnTheWordOfItsRelays);
    CPPUNIT_TEST(addTerminalTakesOnlyThisRelaysTerminals);
    CPPUNIT_TEST(createGroupTakesOnlyRelayAccounts);
    CPPUNIT_TEST(aShareIdNotBoundToItsCreatorIsRefused);
    CPPUNIT_TEST(aKnownShareIdCannotMoveToAnotherGroup);
    CPPUNIT_TEST(policyDataCannotSpeakForAnotherRelaysTerminals);
    CPPUNIT_TEST(aNewMemberRelayGetsEachRelaysOwnEntries);
    CPPUNIT_TEST(aTakeoverOfALiveNameIsRefused);
    CPPUNIT_TEST(aSyncIdIsBoundToItsSender);
    CPPUNIT_TEST(aGroupOfManyTerminalsTravelsInPiecesUnderThePayloadLimit);
    CPPUNIT_TEST(refusalsForAPeerThatNeverTakesThemAreBounded);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        quietLogs();
        node_ = std::make_unique<RelayOnItsOwn>(RelayPolicy{{}, {kClient11, kClient12}});
        relay_ = &node_->engine;
    }
    void tearDown() override { node_.reset(); }

    // client21's certificate says terminal: a group-info that lists it as a relay changes nothing.
    void aTerminalCannotActAsARelay() {
        const auto body = groupInfoBody(kGroup, {{kRelay1, ""}, {kClient21, "I am a relay"}}, {});
        relay_->receive(sdk::PeerIdentity{kClient21, sdk::PeerRole::terminal, kRelay1},
                        makePayload(MessageType::group_info, kClient21 + "#1", kClient21, kRelay1, body));
        CPPUNIT_ASSERT(!relay_->groups().exists(kGroup));
        CPPUNIT_ASSERT(relay_->invitations().empty());
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "only a relay may send group-info");
    }

    // A terminal that keeps sending what only a relay may send, and never takes the answers:
    // its refusals stop being queued at the bound, and the relay carries on.
    void refusalsForAPeerThatNeverTakesThemAreBounded() {
        const auto body = groupInfoBody(kGroup, {{kRelay1, ""}, {kClient21, "I am a relay"}}, {});
        const std::size_t sent = EngineBase::kMaxQueuedRefusals + 20;
        for (std::size_t i = 1; i <= sent; ++i)
            relay_->receive(sdk::PeerIdentity{kClient21, sdk::PeerRole::terminal, kRelay1},
                            makePayload(MessageType::group_info, kClient21 + "#" + std::to_string(i), kClient21, kRelay1, body));
        CPPUNIT_ASSERT_EQUAL(EngineBase::kMaxQueuedRefusals, relay_->messages().outboxCount(kClient21));
        CPPUNIT_ASSERT(!relay_->groups().exists(kGroup));
    }

    void aRelayCannotActAsATerminal() {
        formGroup();
        Share share{"s9" + kRelay2, kGroup, "mine", kRelay2, {kRelay2}, 1};
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("share", toJson(share));
        relay_->receive(peer(kRelay2), makePayload(MessageType::create_shared_resource, kRelay2 + "#1", kRelay2, kRelay1, body));
        CPPUNIT_ASSERT(!relay_->shares().find(share.id));
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "only a terminal of this relay");
    }

    // A terminal whose credentials name relay-server2 gets nothing here: not even an answer.
    void aTerminalOfAnotherRelayIsDropped() {
        formShare();
        relay_->receive(peer(kClient21), makePayload(MessageType::synchronize_instruction, kClient21 + "#1", kClient21,
                                                     kRelay1, SyncRequest(kClient21 + "/sync-1", kS1, {}).toBody()));
        CPPUNIT_ASSERT(relay_->messages().outbox().empty());
        CPPUNIT_ASSERT(!relay_->messages().seen(kClient21, {"", 1}));
    }

    void anInvitationWaitsForTheOperator() {
        invite();
        CPPUNIT_ASSERT(!relay_->groups().exists(kGroup));
        const auto waiting = relay_->invitations();
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, waiting.size());
        CPPUNIT_ASSERT_EQUAL(kGroup, waiting[0].group_id);
        CPPUNIT_ASSERT_EQUAL(kRelay2, waiting[0].inviter);
        CPPUNIT_ASSERT(relay_->messages().outbox().empty());  // no answer, no server-info request yet
        // Other relays' messages about the group wait too.
        relay_->receive(peer(kRelay2), makePayload(MessageType::add_group_info, kRelay2 + "#2", kRelay2, kRelay1,
                                                   terminalBody(kGroup, makeTerminal(kClient22, kRelay2, 1))));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, relay_->messages().deferred().size());
    }

    void anAcceptedInvitationJoinsAndAnswersTheInviter() {
        invite();
        relay_->receive(peer(kRelay2), makePayload(MessageType::add_group_info, kRelay2 + "#2", kRelay2, kRelay1,
                                                   terminalBody(kGroup, makeTerminal(kClient22, kRelay2, 1))));
        relay_->acceptInvitation(kGroup);
        const auto group = relay_->groups().find(kGroup);
        CPPUNIT_ASSERT(group && group->hasRelay(kRelay2) && group->hasRelay(kRelay3));
        CPPUNIT_ASSERT(group->findTerminal(kClient21));
        CPPUNIT_ASSERT(group->findTerminal(kClient22));  // the deferred add-group-info went in
        CPPUNIT_ASSERT(relay_->invitations().empty());
        const auto answers = outboxOf(*relay_, MessageType::answer);
        CPPUNIT_ASSERT(!answers.empty());
        CPPUNIT_ASSERT_EQUAL(kRelay2 + "#1", json::requireString(answers[0].body, "re", "body"));
        CPPUNIT_ASSERT(json::requireBool(answers[0].body, "ok", "body"));
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, outboxOf(*relay_, MessageType::request_server_info).size());
        CPPUNIT_ASSERT_THROW(relay_->acceptInvitation(kGroup), CommandError);
    }

    void aRefusedInvitationIsAnsweredWithTheReason() {
        invite();
        relay_->refuseInvitation(kGroup);
        CPPUNIT_ASSERT(!relay_->groups().exists(kGroup));
        CPPUNIT_ASSERT(relay_->invitations().empty());
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "declined");
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::request_server_info).empty());
    }

    // relay-server3 is not in the group as stored here: its group-info adding itself is refused.
    void aKnownGroupChangesOnlyOnTheWordOfItsRelays() {
        formGroup();
        const auto body = groupInfoBody(kGroup, {{kRelay1, ""}, {kRelay2, ""}, {kRelay3, "intruder"}}, {});
        relay_->receive(peer(kRelay3), makePayload(MessageType::group_info, kRelay3 + "#1", kRelay3, kRelay1, body));
        CPPUNIT_ASSERT(!relay_->groups().find(kGroup)->hasRelay(kRelay3));
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "not a relay of group");
        relay_->receive(peer(kRelay3), makePayload(MessageType::update_group_info, kRelay3 + "#2", kRelay3, kRelay1, body));
        CPPUNIT_ASSERT(!relay_->groups().find(kGroup)->hasRelay(kRelay3));
    }

    void addTerminalTakesOnlyThisRelaysTerminals() {
        formGroup();
        const std::string stranger = "client19@relay-server1.net";
        try {
            relay_->addTerminal(kGroup, stranger, "", "");
            CPPUNIT_FAIL("a terminal the profile does not list was admitted");
        } catch (const CommandError& e) {
            RS_ASSERT_CONTAINS(e.what(), "not a terminal of this relay");
        }
        CPPUNIT_ASSERT(!relay_->groups().terminalRecord(kGroup, stranger));
        relay_->addTerminal(kGroup, stranger, "", "", true);
        CPPUNIT_ASSERT(relay_->groups().find(kGroup)->findTerminal(stranger));
    }

    void createGroupTakesOnlyRelayAccounts() {
        formGroup();
        for (const std::string bad : {"relay two", "no-at-sign", "a@b@c", "@net"})
            CPPUNIT_ASSERT_THROW(relay_->createGroup(bad), CommandError);
        CPPUNIT_ASSERT_THROW(relay_->createGroup(kClient21), CommandError);  // a terminal it knows
        CPPUNIT_ASSERT_THROW(relay_->addGroup(kClient22, kGroup), CommandError);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, relay_->groups().groupIds().size());
        CPPUNIT_ASSERT(relay_->messages().outbox().empty());
        relay_->createGroup(std::string("odd-relay@elsewhere"));
        relay_->createGroup(kClient21, true);
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, relay_->groups().groupIds().size());
    }

    void aShareIdNotBoundToItsCreatorIsRefused() {
        formGroup();
        Share share{"s1" + kClient12, kGroup, "workspace1", kClient11, {kClient11, kClient12}, 1};
        createShare(kClient11, share);
        CPPUNIT_ASSERT(!relay_->shares().find(share.id));
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "not bound to its creator");
    }

    void aKnownShareIdCannotMoveToAnotherGroup() {
        formShare();
        relay_->groups().addGroup("0002@relay-server1");
        relay_->groups().putTerminalIfNewer("0002@relay-server1", makeTerminal(kClient11, kRelay1, 1));
        Share moved{kS1, "0002@relay-server1", "workspace1", kClient11, {kClient11}, 2};
        createShare(kClient11, moved);
        CPPUNIT_ASSERT_EQUAL(kGroup, relay_->shares().find(kS1)->group_id);
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "is in group " + kGroup);
    }

    // relay-server2 created the share; its policy-data may carry its own terminals' entries only.
    void policyDataCannotSpeakForAnotherRelaysTerminals() {
        formGroup();
        const Share share{"s2" + kClient21, kGroup, "theirs", kClient21, {kClient11, kClient21}, 1};
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("share", toJson(share));
        body->set("entries", toJson(std::vector<ResourceEntry>{makeEntry(share.id, "mine", kClient11, "c:/x", 9)}));
        relay_->receive(peer(kRelay2), makePayload(MessageType::policy_data, kRelay2 + "#1", kRelay2, kRelay1, body));
        CPPUNIT_ASSERT(!relay_->shares().find(share.id));
        CPPUNIT_ASSERT(!relay_->shares().entry(share.id, "mine"));
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "cannot speak for entry 'mine' of " + kClient11);
    }

    // The share gains client21 at relay-server2: relay-server1 sends it client11's entries.
    void aNewMemberRelayGetsEachRelaysOwnEntries() {
        formGroup();
        const Share share{"s2" + kClient22, kGroup, "theirs", kClient22, {kClient11, kClient22}, 1};
        relay_->shares().putIfNewer(share);
        relay_->shares().putEntryIfNewer(makeEntry(share.id, "mine", kClient11, "c:/x", 3));
        auto removed = makeEntry(share.id, "gone", kClient11, "c:/y", 2);
        removed.removed = true;
        relay_->shares().putEntryIfNewer(removed);
        auto grown = share;
        grown.members.push_back(kClient21);  // a newcomer elsewhere: nothing to send there
        grown.version = 2;
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("share", toJson(grown));
        body->set("entries", toJson(std::vector<ResourceEntry>{}));
        relay_->receive(peer(kRelay2), makePayload(MessageType::policy_data, kRelay2 + "#1", kRelay2, kRelay1, body));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, relay_->shares().find(share.id)->version);
        // relay-server2 already held members, so it already has client11's entries.
        CPPUNIT_ASSERT(outboxOf(*relay_, MessageType::update_resource_info).empty());

        // A third relay that holds a member only now hears client11's records from here.
        relay_->groups().putRelay(kGroup, {kRelay3, ""});
        relay_->groups().putTerminalIfNewer(kGroup, makeTerminal("client31@relay-server3.net", kRelay3, 1));
        grown.members.push_back("client31@relay-server3.net");
        grown.version = 3;
        body->set("share", toJson(grown));
        relay_->receive(peer(kRelay2), makePayload(MessageType::policy_data, kRelay2 + "#2", kRelay2, kRelay1, body));
        const auto updates = outboxOf(*relay_, MessageType::update_resource_info);
        const auto deletions = outboxOf(*relay_, MessageType::delete_resource_info);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, updates.size());
        CPPUNIT_ASSERT_EQUAL(kRelay3, updates[0].to);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, deletions.size());
        CPPUNIT_ASSERT_EQUAL(kRelay3, deletions[0].to);
    }

    void aTakeoverOfALiveNameIsRefused() {
        formShare();
        relay_->shares().putEntryIfNewer(makeEntry(kS1, "folderA", kClient12, "c:/folderA", 1));
        relay_->receive(peer(kClient11), makePayload(MessageType::update_resource_info, kClient11 + "#5", kClient11, kRelay1,
                                                     entriesBody(kS1, {makeEntry(kS1, "folderA", kClient11, "c:/a", 7)})));
        CPPUNIT_ASSERT_EQUAL(kClient12, relay_->shares().entry(kS1, "folderA")->owner);
        CPPUNIT_ASSERT(!relay_->shares().entryOf(kS1, "folderA", kClient11));
        RS_ASSERT_CONTAINS(reasonOfLastAnswer(*relay_), "already shared by " + kClient12);
    }

    // client12 cannot speak into client11's synchronize, nor reuse an id already open here.
    void aSyncIdIsBoundToItsSender() {
        formShare();
        relay_->shares().putIfNewer({kS1, kGroup, "workspace1", kClient11, {kClient11, kClient12, kClient21}, 2});
        const auto ask = [&](const std::string& from, const std::string& id, const std::string& sync_id) {
            relay_->receive(peer(from), makePayload(MessageType::synchronize_instruction, id, from, kRelay1,
                                                    SyncRequest(sync_id, kS1, {}).toBody()));
        };
        ask(kClient11, kClient11 + "#1", kClient11 + "/sync-1");
        CPPUNIT_ASSERT(relay_->syncs().session(kClient11 + "/sync-1"));
        const auto opened = *relay_->syncs().session(kClient11 + "/sync-1");
        ask(kClient12, kClient12 + "#1", kClient11 + "/sync-1");
        ask(kClient12, kClient12 + "#2", kClient11 + "/sync-2");
        const auto session = relay_->syncs().session(kClient11 + "/sync-1");
        CPPUNIT_ASSERT(session && session->reply_to == kClient11 && session->waiting_for == opened.waiting_for);
        CPPUNIT_ASSERT(!relay_->syncs().session(kClient11 + "/sync-2"));
        const auto results = outboxOf(*relay_, MessageType::synchronize_result);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, results.size());
        for (const auto& result : results) {
            CPPUNIT_ASSERT_EQUAL(kClient12, result.to);
            const auto report = reportFromJson(json::requireObject(result.body, "report", "body"), "report");
            RS_ASSERT_CONTAINS(report.problems.at(0), "is not " + kClient12 + "'s to use");
        }
    }

    // 400 terminals at 16 KiB a message: group-info in pieces, each under the limit; the invited
    // relay, taking them one by one, holds every record.
    void aGroupOfManyTerminalsTravelsInPiecesUnderThePayloadLimit() {
        relay_->setMaxPayloadBytes(16 * 1024);
        const auto group_id = relay_->createGroup(std::nullopt);
        for (int i = 0; i < 400; ++i)
            relay_->groups().putTerminalIfNewer(
                group_id, makeTerminal("client" + std::to_string(1000 + i) + "@relay-server1.net", kRelay1, 1));
        relay_->addGroup(kRelay2, group_id);
        const auto pieces = relay_->messages().outbox();
        CPPUNIT_ASSERT(pieces.size() > 3);
        TempDir other_dir;
        Database other_db(other_dir.url("relay2.db"));
        RelayEngine relay2(other_db, kRelay2, "Branch B", RelayPolicy{{kRelay1}, {}});
        for (const auto& piece : pieces) {
            CPPUNIT_ASSERT(piece.payload.size() <= 16 * 1024);
            CPPUNIT_ASSERT(relay2.receive(peer(kRelay1), piece.payload));
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t{400}, relay2.groups().find(group_id)->terminals.size());
    }

private:
    void formGroup() { formTestGroup(*relay_); }
    void formShare() { formTestShare(*relay_); }

    // relay-server2 invites this relay into kGroup, with relay-server3 and client21 in it.
    void invite() {
        relay_->receive(peer(kRelay2), makePayload(MessageType::group_info, kRelay2 + "#1", kRelay2, kRelay1,
                                                   groupInfoBody(kGroup, {{kRelay1, ""}, {kRelay2, "Branch B"}, {kRelay3, ""}},
                                                                 {makeTerminal(kClient21, kRelay2, 1)})));
    }

    void createShare(const std::string& from, const Share& share) {
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("share", toJson(share));
        relay_->receive(peer(from), makePayload(MessageType::create_shared_resource, from + "#" + std::to_string(++ids_),
                                                from, kRelay1, body));
    }

    std::unique_ptr<RelayOnItsOwn> node_;
    RelayEngine* relay_ = nullptr;
    int ids_ = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(TrustTest);

}  // namespace relaysync::core::coretest
