#pragma once
// A terminal or relay engine on its own database, fed payloads by hand, with its outbox read
// back as decoded messages.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checker/timestamp_size_checker.h"
#include "core_test_support.h"
#include "engine/relay_engine.h"
#include "engine/sync_messages.h"
#include "engine/terminal_engine.h"
#include "memory_store.h"
#include "protocol/bodies.h"
#include "protocol/json_fields.h"

namespace relaysync::core::coretest {

inline const std::string kGroup = "0001@relay-server1";
inline const std::string kShareTime = "20071001150032";

// Every message waiting in an engine's outbox, oldest first.
inline std::vector<Message> outboxOf(EngineBase& engine) {
    std::vector<Message> messages;
    for (const auto& item : engine.messages().outbox()) {
        auto message = decode(item.payload);
        CPPUNIT_ASSERT_EQUAL(item.destination, message.to);
        messages.push_back(std::move(message));
    }
    return messages;
}

inline std::vector<Message> outboxOf(EngineBase& engine, MessageType type) {
    std::vector<Message> matching;
    for (auto& message : outboxOf(engine))
        if (message.type == type) matching.push_back(std::move(message));
    return matching;
}

inline Poco::JSON::Object::Ptr groupInfoBody(const std::string& group_id, std::vector<GroupRelay> relays,
                                             std::vector<ShareableTerminal> terminals) {
    RelayGroup group;
    group.id = group_id;
    group.relays = std::move(relays);
    group.terminals = std::move(terminals);
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("group", toJson(group));
    return body;
}

inline Poco::JSON::Object::Ptr terminalBody(const std::string& group_id, const ShareableTerminal& terminal) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("group_id", group_id);
    body->set("terminal", toJson(terminal));
    return body;
}

inline Poco::JSON::Object::Ptr entriesBody(const std::string& share_id, const std::vector<ResourceEntry>& entries) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("share_id", share_id);
    body->set("entries", toJson(entries));
    return body;
}

// Whom `messages` go to, with repeats.
inline std::multiset<std::string> destinations(const std::vector<Message>& messages) {
    std::multiset<std::string> to;
    for (const auto& message : messages) to.insert(message.to);
    return to;
}

// The reason of the refusal `engine` queued last (an answer with ok false).
inline std::string reasonOfLastAnswer(EngineBase& engine) {
    const auto answers = outboxOf(engine, MessageType::answer);
    CPPUNIT_ASSERT(!answers.empty());
    CPPUNIT_ASSERT(!json::requireBool(answers.back().body, "ok", "body"));
    return json::requireString(answers.back().body, "reason", "body");
}

// Group kGroup at `relay`'s database: relay-server1 (client11, client12) and relay-server2
// (client21, client22).
inline void formTestGroup(RelayEngine& relay) {
    auto& groups = relay.groups();
    groups.addGroup(kGroup);
    groups.putRelay(kGroup, {kRelay1, "Branch A"});
    groups.putRelay(kGroup, {kRelay2, "Branch B"});
    for (const auto& t : {makeTerminal(kClient11, kRelay1, 1), makeTerminal(kClient12, kRelay1, 1),
                          makeTerminal(kClient21, kRelay2, 1), makeTerminal("client22@relay-server2.net", kRelay2, 1)})
        groups.putTerminalIfNewer(kGroup, t);
}

// The group, and share kS1 of client11, client12 and client21.
inline void formTestShare(RelayEngine& relay) {
    formTestGroup(relay);
    relay.shares().putIfNewer({kS1, kGroup, "workspace1", kClient11, {kClient11, kClient12, kClient21}, 1});
}

// relay-server1's engine on a database of its own, for a test fixture.
struct RelayOnItsOwn {
    explicit RelayOnItsOwn(RelayPolicy policy = {})
        : database(dir.url("relay1.db")), engine(database, kRelay1, "Branch A", std::move(policy)) {}
    TempDir dir;
    Database database;
    RelayEngine engine;
};

// client11 at relay-server1, with a memory store mounted at "c:".
class TerminalHarness {
public:
    explicit TerminalHarness(const TempDir& dir, CheckPolicy policy = {}) : dir_(dir), policy_(policy) {
        store = std::make_shared<test::MemoryStore>("c");
        router.add("c:", store);
        open();
    }

    // A restart: the engine and its database connection are made anew from the same file.
    void open() {
        engine.reset();
        database.reset();
        database = std::make_unique<Database>(dir_.url("client11.db"));
        engine = std::make_unique<TerminalEngine>(*database, kClient11, kRelay1, router, checker, policy_,
                                                  [] { return kShareTime; });
    }

    void fromRelay(MessageType type, const std::string& id, Poco::JSON::Object::Ptr body) {
        engine->receive(peer(kRelay1), makePayload(type, id, kRelay1, kClient11, std::move(body)));
    }

    // group-info admitting client11 and client12 at relay-server1, and client21 at relay-server2.
    void joinGroup(const std::string& id = kRelay1 + "#1") {
        fromRelay(MessageType::group_info, id,
                  groupInfoBody(kGroup, {{kRelay1, "Branch A"}, {kRelay2, "Branch B"}},
                                {makeTerminal(kClient11, kRelay1, 1), makeTerminal(kClient12, kRelay1, 1),
                                 makeTerminal(kClient21, kRelay2, 1)}));
    }

    void clearOutbox() {
        for (const auto& item : engine->messages().outbox()) engine->messages().removeFromOutbox(item.seq);
    }

    std::shared_ptr<test::MemoryStore> store;
    StoreRouter router;
    TimestampSizeChecker checker;
    std::unique_ptr<Database> database;
    std::unique_ptr<TerminalEngine> engine;

private:
    const TempDir& dir_;
    CheckPolicy policy_;
};

}  // namespace relaysync::core::coretest
