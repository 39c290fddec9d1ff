// The receive path every engine shares: decode, authenticate, de-duplicate, handle in one
// transaction with what it sends, defer what arrived early, answer what is refused. Driven
// through a TerminalEngine and a RelayEngine.
#include <cppunit/extensions/HelperMacros.h>

#include <iostream>

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <set>

#include "engine_test_support.h"

namespace relaysync::core::coretest {

namespace {
// Every line logged on "relaysync.engine" at warning or worse, while it lives.
class EngineWarnings final : public Poco::Channel {
public:
    EngineWarnings() : logger_(Poco::Logger::get("relaysync.engine")), before_(logger_.getChannel()) {
        logger_.setChannel(this);
        logger_.setLevel(Poco::Message::PRIO_WARNING);
        duplicate();  // the logger holds a reference; this object lives on the stack
    }
    ~EngineWarnings() override {
        logger_.setChannel(before_);
        logger_.setLevel(Poco::Message::PRIO_FATAL);
    }
    void log(const Poco::Message& message) override { lines.push_back(message.getText()); }
    std::vector<std::string> lines;

private:
    Poco::Logger& logger_;
    Poco::AutoPtr<Poco::Channel> before_;
};
}  // namespace

class EngineBaseTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EngineBaseTest);
    CPPUNIT_TEST(garbagePayloadsAreDroppedWithoutThrowing);
    CPPUNIT_TEST(senderMismatchIsDroppedWithoutBurningTheId);
    CPPUNIT_TEST(messageForAnotherAccountIsDropped);
    CPPUNIT_TEST(idThatIsNotTheSendersIsDroppedAndNotBurned);
    CPPUNIT_TEST(duplicateIdIsAppliedOnce);
    CPPUNIT_TEST(earlyMessageIsDeferredThenAppliedWithItsPrerequisite);
    CPPUNIT_TEST(deferredMessageWaitsAcrossARestart);
    CPPUNIT_TEST(duplicateOfADeferredMessageIsAppliedOnce);
    CPPUNIT_TEST(deferredMessageIsRetriedOnlyWhenItsDependencyArrives);
    CPPUNIT_TEST(deferredMessagesAreBoundedInBytes);
    CPPUNIT_TEST(warningsAboutOneSenderAreRateLimitedAndShortened);
    CPPUNIT_TEST(refusedMessageIsAnsweredWithOkFalse);
    CPPUNIT_TEST(refusalOfAStrangerIsAnsweredToTheStranger);
    CPPUNIT_TEST(refusedAnswersAreNotAnswered);
    CPPUNIT_TEST(malformedBodyIsRefusedNamingTheField);
    CPPUNIT_TEST(relayRefusesGroupInfoThatDoesNotListIt);
    CPPUNIT_TEST(relayDefersUpdateGroupInfoUntilItKnowsTheGroup);
    CPPUNIT_TEST(sentMessagesCarryUniqueIdsFromThisAccount);
    CPPUNIT_TEST(lateSelfRemovalDoesNotUndoAReadmission);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        quietLogs();
        dir_ = std::make_unique<TempDir>();
        terminal_ = std::make_unique<TerminalHarness>(*dir_);
    }
    void tearDown() override {
        relay_.reset();
        relay_database_.reset();
        terminal_.reset();
        dir_.reset();
    }

    void garbagePayloadsAreDroppedWithoutThrowing() {
        std::string bad_version = makePayload(MessageType::group_info, "r#1", kRelay1, kClient11);
        const std::string version = "\"relaysync\":" + std::to_string(kProtocolVersion);
        bad_version.replace(bad_version.find(version), version.size(), "\"relaysync\":9");
        const std::vector<std::string> garbage{"", "garbage", "[1,2]", "{}", "{\"relaysync\":1}", bad_version,
                                               std::string(kMaxMessageBytes + 10, '{'),
                                               std::string("\0\xff\xfe", 3)};
        for (const auto& bytes : garbage) {
            CPPUNIT_ASSERT_NO_THROW(terminal_->engine->receive(peer(kRelay1), bytes));
        }
        CPPUNIT_ASSERT(terminal_->engine->messages().outbox().empty());
        CPPUNIT_ASSERT(terminal_->engine->messages().deferred().empty());
        CPPUNIT_ASSERT(terminal_->engine->groups().groupIds().empty());
    }

    void senderMismatchIsDroppedWithoutBurningTheId() {
        const auto bytes = makePayload(MessageType::group_info, kRelay1 + "#1", kRelay1, kClient11,
                                       groupInfoBody(kGroup, {{kRelay1, "Branch A"}}, {makeTerminal(kClient11, kRelay1, 1)}));
        terminal_->engine->receive(peer(kRelay2), bytes);  // claims to be relay-server1, came from relay-server2
        CPPUNIT_ASSERT(!terminal_->engine->groups().exists(kGroup));
        CPPUNIT_ASSERT(terminal_->engine->messages().outbox().empty());
        CPPUNIT_ASSERT(!terminal_->engine->messages().seen(kRelay1, {"", 1}));
        terminal_->engine->receive(peer(kRelay1), bytes);  // the genuine one still counts
        CPPUNIT_ASSERT(terminal_->engine->groups().exists(kGroup));
    }

    void messageForAnotherAccountIsDropped() {
        terminal_->engine->receive(
            peer(kRelay1), makePayload(MessageType::group_info, kRelay1 + "#1", kRelay1, kClient12,
                                 groupInfoBody(kGroup, {{kRelay1, "Branch A"}}, {makeTerminal(kClient12, kRelay1, 1)})));
        CPPUNIT_ASSERT(!terminal_->engine->groups().exists(kGroup));
        CPPUNIT_ASSERT(terminal_->engine->messages().outbox().empty());
    }

    // Ids are "<from>#n": a sender that used another node's id could block that node's message.
    void idThatIsNotTheSendersIsDroppedAndNotBurned() {
        const auto body =
            groupInfoBody(kGroup, {{kRelay1, "Branch A"}}, {makeTerminal(kClient11, kRelay1, 1)});
        terminal_->fromRelay(MessageType::group_info, kClient12 + "#1", body);
        CPPUNIT_ASSERT(!terminal_->engine->groups().exists(kGroup));
        CPPUNIT_ASSERT(!terminal_->engine->messages().seen(kClient12, {"", 1}));
        CPPUNIT_ASSERT(terminal_->engine->messages().outbox().empty());
        terminal_->fromRelay(MessageType::group_info, "relay-server1@net-evil#1", body);
        CPPUNIT_ASSERT(!terminal_->engine->groups().exists(kGroup));
    }

    void duplicateIdIsAppliedOnce() {
        terminal_->joinGroup(kRelay1 + "#1");
        terminal_->joinGroup(kRelay1 + "#1");
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, outboxOf(*terminal_->engine, MessageType::answer).size());
        // Same id, other content: still the message already handled.
        terminal_->fromRelay(MessageType::add_group_info, kRelay1 + "#1",
                             terminalBody(kGroup, makeTerminal("client13@relay-server1.net", kRelay1, 1)));
        CPPUNIT_ASSERT(!terminal_->engine->groups().terminalRecord(kGroup, "client13@relay-server1.net"));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, terminal_->engine->messages().outbox().size());
    }

    // Fig. 11: a terminal may hear of another terminal's admission before it has the group.
    // Taken (its id counts as seen, so a copy of it is a duplicate) and applied once the group is in.
    void earlyMessageIsDeferredThenAppliedWithItsPrerequisite() {
        const std::string newcomer = "client13@relay-server1.net";
        const auto early = makePayload(MessageType::add_group_info, kRelay1 + "#1", kRelay1, kClient11,
                                       terminalBody(kGroup, makeTerminal(newcomer, kRelay1, 1)));
        terminal_->engine->receive(peer(kRelay1), early);
        const auto deferred = terminal_->engine->messages().deferred();
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, deferred.size());
        CPPUNIT_ASSERT_EQUAL(kRelay1, deferred[0].sender.account);
        RS_ASSERT_CONTAINS(deferred[0].reason, kGroup);
        CPPUNIT_ASSERT(terminal_->engine->messages().outbox().empty());  // not answered yet
        CPPUNIT_ASSERT(terminal_->engine->messages().seen(kRelay1, {"", 1}));
        terminal_->engine->receive(peer(kRelay1), early);  // a duplicate is not kept twice
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, terminal_->engine->messages().deferred().size());

        terminal_->joinGroup(kRelay1 + "#2");
        CPPUNIT_ASSERT(terminal_->engine->messages().deferred().empty());
        const auto group = terminal_->engine->groups().find(kGroup);
        CPPUNIT_ASSERT(group.has_value());
        CPPUNIT_ASSERT(group->findTerminal(newcomer) != nullptr);
        const auto answers = outboxOf(*terminal_->engine, MessageType::answer);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, answers.size());
        CPPUNIT_ASSERT_EQUAL(std::string("group-info"), answers[0].body->getValue<std::string>("re_type"));
        CPPUNIT_ASSERT_EQUAL(std::string("add-group-info"), answers[1].body->getValue<std::string>("re_type"));
    }

    void deferredMessageWaitsAcrossARestart() {
        const std::string newcomer = "client13@relay-server1.net";
        terminal_->fromRelay(MessageType::add_group_info, kRelay1 + "#1", terminalBody(kGroup, makeTerminal(newcomer, kRelay1, 1)));
        terminal_->open();
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, terminal_->engine->messages().deferred().size());
        terminal_->joinGroup(kRelay1 + "#2");
        CPPUNIT_ASSERT(terminal_->engine->groups().find(kGroup)->findTerminal(newcomer) != nullptr);
        CPPUNIT_ASSERT(terminal_->engine->messages().deferred().empty());
    }

    void duplicateOfADeferredMessageIsAppliedOnce() {
        const auto body = terminalBody(kGroup, makeTerminal("client13@relay-server1.net", kRelay1, 1));
        terminal_->fromRelay(MessageType::add_group_info, kRelay1 + "#1", body);
        terminal_->fromRelay(MessageType::add_group_info, kRelay1 + "#1", body);
        terminal_->joinGroup(kRelay1 + "#2");
        CPPUNIT_ASSERT(terminal_->engine->messages().deferred().empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, outboxOf(*terminal_->engine, MessageType::answer).size());
    }

    // Retries go by what a message waits for: a change that brings another group does not even
    // look at it, so a change costs nothing per unrelated waiting message.
    void deferredMessageIsRetriedOnlyWhenItsDependencyArrives() {
        for (int n = 1; n <= 20; ++n)
            terminal_->fromRelay(MessageType::add_group_info, kRelay1 + "#" + std::to_string(n),
                                 terminalBody("0002@relay-server1", makeTerminal(kClient12, kRelay1, n)));
        terminal_->fromRelay(MessageType::add_group_info, kRelay1 + "#21",
                             terminalBody(kGroup, makeTerminal("client13@relay-server1.net", kRelay1, 1)));
        terminal_->joinGroup(kRelay1 + "#22");
        const auto deferred = terminal_->engine->messages().deferred();
        CPPUNIT_ASSERT_EQUAL(std::size_t{20}, deferred.size());  // the one for kGroup went in
        for (const auto& waiting : deferred) CPPUNIT_ASSERT_EQUAL(0, waiting.attempts);
        CPPUNIT_ASSERT(terminal_->engine->groups().find(kGroup)->findTerminal("client13@relay-server1.net"));
        CPPUNIT_ASSERT(!terminal_->engine->groups().exists("0002@relay-server1"));
    }

    // Waiting messages are bounded in bytes as well as in number: one past the bound is not
    // taken (not acknowledged, so its sender keeps it), and nothing is stored for it.
    // A sender that sends garbage in a loop gets 20 warnings a minute; the next window says how
    // many were left out, and values from the message are shortened and escaped.
    void warningsAboutOneSenderAreRateLimitedAndShortened() {
        std::int64_t now = 1'000'000;
        terminal_->engine->setClock([&] { return now; });
        EngineWarnings warnings;
        for (int n = 0; n < 500; ++n) terminal_->engine->receive(peer(kRelay1), "garbage\n" + std::string(5000, 'x'));
        std::cout << "\n  500 garbage messages: " << warnings.lines.size() << " warning lines (bound 20)";
        CPPUNIT_ASSERT_EQUAL(std::size_t{20}, warnings.lines.size());
        for (const auto& line : warnings.lines) CPPUNIT_ASSERT(line.size() < 600 && line.find('\n') == std::string::npos);
        now += 61'000;
        terminal_->engine->receive(peer(kRelay1), "garbage");
        CPPUNIT_ASSERT_EQUAL(std::size_t{22}, warnings.lines.size());
        RS_ASSERT_CONTAINS(warnings.lines[20], "left out 480 more warning(s) about " + kRelay1);
    }

    void deferredMessagesAreBoundedInBytes() {
        terminal_->engine->setDeferralLimits({100, 4000, 1000, 1 << 20});
        std::size_t taken = 0, refused = 0;
        for (int n = 1; n <= 10; ++n) {
            auto body = terminalBody("0002@relay-server1", makeTerminal(kClient12, kRelay1, n));
            body->set("padding", std::string(900, 'x'));
            const auto bytes = makePayload(MessageType::add_group_info, kRelay1 + "#" + std::to_string(n), kRelay1,
                                           kClient11, body);
            (terminal_->engine->receive(peer(kRelay1), bytes) ? taken : refused) += 1;
        }
        const auto load = terminal_->engine->messages().deferredLoad(kRelay1);
        std::cout << "\n  deferred: " << taken << " taken (" << load.bytes << " bytes), " << refused
                  << " not taken; bound 4000 bytes\n";
        CPPUNIT_ASSERT(taken >= 3 && refused >= 1);
        CPPUNIT_ASSERT_EQUAL(taken, load.messages);
        CPPUNIT_ASSERT(load.bytes <= 4000);
        // What was not taken is not seen either: offered again later, it is taken then.
        CPPUNIT_ASSERT(!terminal_->engine->messages().seen(kRelay1, {"", 10}));
    }

    void refusedMessageIsAnsweredWithOkFalse() {
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("group_id", kGroup);
        terminal_->fromRelay(MessageType::request_server_info, kRelay1 + "#9", body);
        auto answers = outboxOf(*terminal_->engine, MessageType::answer);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, answers.size());
        const auto& answer = answers[0];
        CPPUNIT_ASSERT_EQUAL(kRelay1, answer.to);
        CPPUNIT_ASSERT_EQUAL(kClient11, answer.from);
        CPPUNIT_ASSERT(!json::requireBool(answer.body, "ok", "body"));
        CPPUNIT_ASSERT_EQUAL(kRelay1 + "#9", json::requireString(answer.body, "re", "body"));
        CPPUNIT_ASSERT_EQUAL(std::string("request-server-info"), json::requireString(answer.body, "re_type", "body"));
        CPPUNIT_ASSERT(!json::requireString(answer.body, "reason", "body").empty());
        // Refused once is refused for good: a redelivery is not answered again.
        terminal_->fromRelay(MessageType::request_server_info, kRelay1 + "#9", body);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, terminal_->engine->messages().outbox().size());
    }

    // A sender whose role the transport cannot prove (plaintext test mode) is judged by the engine.
    void refusalOfAStrangerIsAnsweredToTheStranger() {
        const auto bytes = makePayload(MessageType::group_info, kClient12 + "#1", kClient12, kClient11,
                                       groupInfoBody(kGroup, {{kRelay1, "Branch A"}}, {makeTerminal(kClient11, kRelay1, 1)}));
        terminal_->engine->receive(sdk::PeerIdentity{kClient12, sdk::PeerRole::unknown, {}}, bytes);
        CPPUNIT_ASSERT(!terminal_->engine->groups().exists(kGroup));
        const auto answers = outboxOf(*terminal_->engine, MessageType::answer);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, answers.size());
        CPPUNIT_ASSERT_EQUAL(kClient12, answers[0].to);
        CPPUNIT_ASSERT(!json::requireBool(answers[0].body, "ok", "body"));
        RS_ASSERT_CONTAINS(json::requireString(answers[0].body, "reason", "body"), "own relay");
    }

    void refusedAnswersAreNotAnswered() {
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("re", std::string("x#1"));
        body->set("ok", false);
        const sdk::PeerIdentity stranger{kClient12, sdk::PeerRole::unknown, {}};
        terminal_->engine->receive(stranger, makePayload(MessageType::answer, kClient12 + "#1", kClient12, kClient11, body));
        terminal_->engine->receive(stranger, makePayload(MessageType::synchronize_result, kClient12 + "#2", kClient12,
                                                          kClient11, new Poco::JSON::Object));
        CPPUNIT_ASSERT(terminal_->engine->messages().outbox().empty());
        CPPUNIT_ASSERT(terminal_->engine->messages().seen(kClient12, {"", 1}));
    }

    void malformedBodyIsRefusedNamingTheField() {
        terminal_->fromRelay(MessageType::group_info, kRelay1 + "#1", new Poco::JSON::Object);
        const auto answers = outboxOf(*terminal_->engine, MessageType::answer);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, answers.size());
        CPPUNIT_ASSERT(!json::requireBool(answers[0].body, "ok", "body"));
        RS_ASSERT_CONTAINS(json::requireString(answers[0].body, "reason", "body"), "body.group");
        CPPUNIT_ASSERT(terminal_->engine->messages().deferred().empty());
    }

    void relayRefusesGroupInfoThatDoesNotListIt() {
        openRelay2();
        relay_->receive(peer(kRelay1), makePayload(MessageType::group_info, kRelay1 + "#1", kRelay1, kRelay2,
                                             groupInfoBody(kGroup, {{kRelay1, "Branch A"}}, {})));
        CPPUNIT_ASSERT(!relay_->groups().exists(kGroup));
        const auto answers = outboxOf(*relay_, MessageType::answer);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, answers.size());
        CPPUNIT_ASSERT_EQUAL(kRelay1, answers[0].to);
        CPPUNIT_ASSERT(!json::requireBool(answers[0].body, "ok", "body"));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, relay_->messages().outbox().size());  // no server-info asked
    }

    void relayDefersUpdateGroupInfoUntilItKnowsTheGroup() {
        openRelay2();
        const std::string relay3 = "relay-server3@net";
        relay_->receive(peer(kRelay1), makePayload(MessageType::update_group_info, kRelay1 + "#3", kRelay1, kRelay2,
                                             groupInfoBody(kGroup, {{kRelay1, "Branch A"}, {kRelay2, ""}, {relay3, ""}},
                                                           {})));
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, relay_->messages().deferred().size());
        CPPUNIT_ASSERT(!relay_->groups().exists(kGroup));

        relay_->receive(peer(kRelay1), makePayload(MessageType::group_info, kRelay1 + "#7", kRelay1, kRelay2,
                                             groupInfoBody(kGroup, {{kRelay1, "Branch A"}, {kRelay2, ""}}, {})));
        CPPUNIT_ASSERT(relay_->messages().deferred().empty());
        const auto group = relay_->groups().find(kGroup);
        CPPUNIT_ASSERT(group.has_value());
        CPPUNIT_ASSERT(group->hasRelay(relay3));
        CPPUNIT_ASSERT_EQUAL(std::string("Branch B"), group->findRelay(kRelay2)->display_name);
        std::set<std::string> asked;
        for (const auto& message : outboxOf(*relay_, MessageType::request_server_info)) asked.insert(message.to);
        CPPUNIT_ASSERT((asked == std::set<std::string>{kRelay1, relay3}));
    }

    void sentMessagesCarryUniqueIdsFromThisAccount() {
        terminal_->joinGroup(kRelay1 + "#1");
        terminal_->fromRelay(MessageType::add_group_info, kRelay1 + "#2",
                             terminalBody(kGroup, makeTerminal("client13@relay-server1.net", kRelay1, 1)));
        terminal_->fromRelay(MessageType::request_server_info, kRelay1 + "#3", new Poco::JSON::Object);
        terminal_->open();  // ids keep counting after a restart
        terminal_->fromRelay(MessageType::add_group_info, kRelay1 + "#4",
                             terminalBody(kGroup, makeTerminal("client14@relay-server1.net", kRelay1, 1)));
        std::set<std::string> ids;
        const auto sent = outboxOf(*terminal_->engine);
        for (const auto& message : sent) {
            CPPUNIT_ASSERT_EQUAL(kClient11, message.from);
            CPPUNIT_ASSERT_EQUAL(0, message.id.compare(0, kClient11.size() + 1, kClient11 + "#"));
            ids.insert(message.id);
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t{4}, sent.size());
        CPPUNIT_ASSERT_EQUAL(sent.size(), ids.size());
    }

    // deleteTerminal then addTerminal again at the relay sends delete-group-info (version 2) and
    // then group-info with this terminal at version 3. Delivered the other way round, the stale
    // removal must not throw the terminal out of a group it has been re-admitted to.
    // (On one link messages keep their order; a removal from an earlier epoch of the relay's
    // database, restored from a backup, is how a stale one can still arrive.)
    void lateSelfRemovalDoesNotUndoAReadmission() {
        terminal_->fromRelay(MessageType::group_info, kRelay1 + "#5",
                             groupInfoBody(kGroup, {{kRelay1, "Branch A"}}, {makeTerminal(kClient11, kRelay1, 3)}));
        terminal_->fromRelay(MessageType::delete_group_info, kRelay1 + "#old.4",
                             terminalBody(kGroup, makeTerminal(kClient11, kRelay1, 2, true)));
        const auto group = terminal_->engine->groups().find(kGroup);
        CPPUNIT_ASSERT_MESSAGE("a stale delete-group-info (version 2) removed the group", group.has_value());
        CPPUNIT_ASSERT(group->findTerminal(kClient11) != nullptr);
    }

private:
    void openRelay2() {
        relay_database_ = std::make_unique<Database>(dir_->url("relay2.db"));
        relay_ = std::make_unique<RelayEngine>(*relay_database_, kRelay2, "Branch B", RelayPolicy{{kRelay1}, {}});
    }

    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<TerminalHarness> terminal_;
    std::unique_ptr<Database> relay_database_;
    std::unique_ptr<RelayEngine> relay_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(EngineBaseTest);

}  // namespace relaysync::core::coretest
