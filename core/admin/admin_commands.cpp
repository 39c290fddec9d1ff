#include "admin/admin_commands.h"

#include <functional>
#include <map>
#include <optional>

#include <Poco/Logger.h>

#include "admin/remote_commands.h"
#include "admin/share_reference.h"
#include "assembly/change_view.h"
#include "assembly/peer_view.h"
#include "assembly/queue_view.h"
#include "assembly/status_page.h"
#include "assembly/status_view.h"
#include "protocol/json_fields.h"
#include "protocol/protocol_error.h"

namespace relaysync::core {

namespace {

// Arguments of one request, with errors that name the argument.
class Arguments {
public:
    explicit Arguments(Poco::JSON::Object::Ptr args) : args_(args ? args : Poco::JSON::Object::Ptr(new Poco::JSON::Object)) {}

    std::string text(const std::string& name) const {
        try {
            return json::requireString(args_, name, "args");
        } catch (const ProtocolError& e) {
            throw CommandError(e.what());
        }
    }
    std::string optionalText(const std::string& name) const { return json::optionalString(args_, name); }
    std::optional<std::int64_t> optionalInt(const std::string& name) const {
        if (!args_->has(name)) return std::nullopt;
        try {
            return json::requireInt(args_, name, "args");
        } catch (const ProtocolError& e) {
            throw CommandError(e.what());
        }
    }
    bool flag(const std::string& name) const { return args_->optValue<bool>(name, false); }
    const Poco::JSON::Object::Ptr& raw() const { return args_; }
    std::vector<std::string> texts(const std::string& name) const {
        if (!args_->has(name)) return {};
        try {
            return json::requireStrings(args_, name, "args");
        } catch (const ProtocolError& e) {
            throw CommandError(e.what());
        }
    }

    // Which dead letter: "seq": N, or "all": true for every one (returned as nothing).
    std::optional<std::int64_t> seqOrAll() const {
        const bool all = args_->has("all");
        if (all == args_->has("seq")) throw CommandError("give one of args.seq (a dead letter's seq) and args.all (true)");
        try {
            if (!all) return json::requireInt(args_, "seq", "args");
            if (!json::requireBool(args_, "all", "args")) throw CommandError("args.all must be true when given");
            return std::nullopt;
        } catch (const ProtocolError& e) {
            throw CommandError(e.what());
        }
    }

private:
    Poco::JSON::Object::Ptr args_;
};

// What adding does with a name this terminal already shares from elsewhere: --replace or refuse.
TerminalEngine::Existing existingOf(const Arguments& args) {
    return args.flag("replace") ? TerminalEngine::Existing::replace : TerminalEngine::Existing::refuse;
}

// Who may run a command that names a share.
enum class Holder { terminal, relay_or_terminal };

// The share an argument names (share_reference.h), looked up before the handler takes the
// engine's lock for its own work. A terminal's command at a relay is refused as such first.
std::string shareArgument(Node& node, const Arguments& args, Holder holder = Holder::terminal) {
    if (holder == Holder::terminal && node.isRelay()) node.withTerminal([](TerminalEngine&) {});
    const auto given = args.text("share");
    return node.withEngine([&](EngineBase& engine) {
        // A full id, a deleted share's too: the engine then says what became of it.
        if (engine.shares().record(given)) return given;
        return resolveShareReference(engine.shares().shares(), given);
    });
}

Poco::JSON::Object::Ptr result(const std::string& key, const std::string& value) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set(key, value);
    return object;
}

Poco::JSON::Object::Ptr empty() { return new Poco::JSON::Object; }

// "1 dead letter", "3 dead letters"
std::string counted(std::size_t count, const std::string& thing) {
    return std::to_string(count) + " " + thing + (count == 1 ? "" : "s");
}

// What an operator dropped is gone for good: the daemon's log keeps a trace of it.
void logDropped(const Node& node, const std::string& what) {
    Poco::Logger::get("relaysync.admin").notice("%s: an operator dropped %s", node.account(), what);
}

// {"<key>": count, "text": text}
Poco::JSON::Object::Ptr countResult(const std::string& key, std::size_t count, const std::string& text) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set(key, count);
    object->set("text", text + "\n");
    return object;
}

// status: which page (docs/admin.md, "status"): args.share, args.limit, args.after, args.count.
// The share is named as every command names one (share_reference.h).
StatusPageRequest statusPageRequest(Node& node, const Arguments& args) {
    StatusPageRequest request;
    if (!args.optionalText("share").empty()) request.share = shareArgument(node, args, Holder::relay_or_terminal);
    if (const auto limit = args.optionalInt("limit")) {
        if (*limit < 0) throw CommandError("args.limit must be 0 or more");
        request.limit = static_cast<std::size_t>(*limit);
    }
    if (const auto after = args.optionalText("after"); !after.empty()) request.after = decodeCursor(after);
    request.count = args.flag("count");
    return request;
}

// A report as JSON, with the operator's rendering of it under "text".
Poco::JSON::Object::Ptr reportResult(const SyncReport& report) {
    auto json = syncReportToJson(report);
    json->set("text", renderSyncReport(report));
    return json;
}

using Command = std::function<Poco::JSON::Object::Ptr(Node&, const Arguments&)>;

const std::map<std::string, Command>& commands() {
    static const std::map<std::string, Command> table{
        {"ping",
         [](Node& node, const Arguments&) {
             auto answer = result("account", node.account());
             answer->set("role", node.isRelay() ? "relay" : "terminal");
             return answer;
         }},
        {"status",
         [](Node& node, const Arguments& args) {
             // One page: a relay never reads more entries than a page holds (status_page.h).
             const auto status = readStatusPage(node, statusPageRequest(node, args));
             auto answer = statusToJson(status);
             const auto [traffic, queues] = node.withEngine([](EngineBase& engine) {
                 return std::make_pair(engine.traffic(), engine.messages().counts());
             });
             Poco::JSON::Object::Ptr sent_and_received = new Poco::JSON::Object;
             for (const auto& [type, count] : traffic) {
                 Poco::JSON::Object::Ptr counts = new Poco::JSON::Object;
                 counts->set("sent", count.sent);
                 counts->set("received", count.received);
                 counts->set("sent_bytes", count.sent_bytes);
                 counts->set("received_bytes", count.received_bytes);
                 sent_and_received->set(type, counts);
             }
             answer->set("traffic", sent_and_received);
             // What waits: to be sent, set aside as undeliverable, received too early.
             Poco::JSON::Object::Ptr waiting = new Poco::JSON::Object;
             waiting->set("outbox", queues.outbox);
             waiting->set("dead_letters", queues.dead_letters);
             waiting->set("deferred", queues.deferred);
             waiting->set("deferred_bytes", queues.deferred_bytes);
             answer->set("queues", waiting);
             std::string text = renderNodeStatus(status);
             if (!status.page->continued)
                 text += "Messages: " + std::to_string(queues.outbox) + " to send, " +
                         std::to_string(queues.dead_letters) + " set aside, " + std::to_string(queues.deferred) +
                         " waiting for what they depend on (" + std::to_string(queues.deferred_bytes) + " bytes)\n";
             answer->set("text", text);
             return answer;
         }},
        // The outbox and dead letters, for operators (docs/admin.md).
        {"peers",
         [](Node& node, const Arguments&) {
             const auto outbox = node.withEngine([](EngineBase& engine) { return readOutbox(engine.messages()); });
             return peersResult(readPeers(node.peerLog().snapshot(), outbox,
                                          [&node](const std::string& account) { return node.reachabilityOf(account); }));
         }},
        {"outbox",
         [](Node& node, const Arguments&) {
             return outboxResult(node.withEngine([](EngineBase& engine) { return readOutbox(engine.messages()); }));
         }},
        {"dead-letters",
         [](Node& node, const Arguments&) {
             return deadLettersResult(node.withEngine([](EngineBase& engine) { return readDeadLetters(engine.messages()); }));
         }},
        {"resend-dead-letter",
         [](Node& node, const Arguments& args) {
             if (const auto seq = args.seqOrAll()) {
                 const auto id = node.withEngine([&](EngineBase& engine) { return engine.resendDeadLetter(*seq); });
                 auto answer = countResult("resent", 1, "dead letter " + std::to_string(*seq) + " is back in the outbox as " + id);
                 answer->set("id", id);
                 return answer;
             }
             const auto count = node.withEngine([](EngineBase& engine) { return engine.resendAllDeadLetters(); });
             return countResult("resent", count, count == 0 ? "No dead letters to resend."
                                                            : counted(count, "dead letter") + " back in the outbox");
         }},
        {"purge-dead-letters",
         [](Node& node, const Arguments& args) {
             if (const auto seq = args.seqOrAll()) {
                 if (!node.withEngine([&](EngineBase& engine) { return engine.messages().removeDeadLetter(*seq); }))
                     throw CommandError("no dead letter " + std::to_string(*seq) + " (see dead-letters)");
                 logDropped(node, "dead letter " + std::to_string(*seq));
                 return countResult("purged", 1, "dropped dead letter " + std::to_string(*seq));
             }
             const auto count = node.withEngine([](EngineBase& engine) { return engine.messages().purgeDeadLetters(); });
             if (count > 0) logDropped(node, counted(count, "dead letter"));
             return countResult("purged", count, "dropped " + counted(count, "dead letter"));
         }},
        {"purge-outbox",
         [](Node& node, const Arguments& args) {
             // Never everything at once: the operator names the peer whose messages go.
             const auto destination = args.optionalText("destination");
             if (destination.empty())
                 throw CommandError("purge-outbox drops what waits for one destination: name it in args.destination (see outbox)");
             const auto count = node.withEngine([&](EngineBase& engine) { return engine.messages().purgeOutbox(destination); });
             if (count > 0) logDropped(node, counted(count, "message") + " waiting for " + destination);
             auto answer = countResult("purged", count, "dropped " + counted(count, "message") + " waiting for " + destination);
             answer->set("destination", destination);
             return answer;
         }},
        {"create-group",
         [](Node& node, const Arguments& args) {
             const auto peer = args.optionalText("peer");
             return result("group_id", node.withRelay([&](RelayEngine& relay) {
                 return relay.createGroup(peer.empty() ? std::nullopt : std::optional<std::string>(peer),
                                          args.flag("force"));
             }));
         }},
        {"add-group",
         [](Node& node, const Arguments& args) {
             node.withRelay(
                 [&](RelayEngine& relay) { relay.addGroup(args.text("relay"), args.text("group"), args.flag("force")); });
             return empty();
         }},
        {"add-terminal",
         [](Node& node, const Arguments& args) {
             node.withRelay([&](RelayEngine& relay) {
                 relay.addTerminal(args.text("group"), args.text("terminal"), args.optionalText("display_name"),
                                   args.optionalText("department"), args.flag("force"));
             });
             return empty();
         }},
        {"invitations",
         [](Node& node, const Arguments&) {
             const auto waiting = node.withRelay([](RelayEngine& relay) { return relay.invitations(); });
             Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
             std::string text = waiting.empty() ? "No invitation waits.\n" : "";
             for (const auto& invitation : waiting) {
                 Poco::JSON::Object::Ptr item = new Poco::JSON::Object;
                 item->set("group_id", invitation.group_id);
                 item->set("inviter", invitation.inviter);
                 item->set("received_ms", invitation.received_ms);
                 list->add(item);
                 text += invitation.group_id + " from " + invitation.inviter + "\n";
             }
             Poco::JSON::Object::Ptr answer = new Poco::JSON::Object;
             answer->set("invitations", list);
             answer->set("text", text);
             return answer;
         }},
        {"accept-invitation",
         [](Node& node, const Arguments& args) {
             node.withRelay([&](RelayEngine& relay) { relay.acceptInvitation(args.text("group")); });
             return empty();
         }},
        {"refuse-invitation",
         [](Node& node, const Arguments& args) {
             node.withRelay([&](RelayEngine& relay) { relay.refuseInvitation(args.text("group")); });
             return empty();
         }},
        {"delete-terminal",
         [](Node& node, const Arguments& args) {
             node.withRelay([&](RelayEngine& relay) { relay.deleteTerminal(args.text("group"), args.text("terminal")); });
             return empty();
         }},
        // Taking back what was done (docs/admin.md): relays by their operators, shares and
        // resources by the terminal that created or owns them.
        {"remove-relay",
         [](Node& node, const Arguments& args) {
             return groupRelaysResult(
                 node.withRelay([&](RelayEngine& relay) { return relay.removeRelay(args.text("relay"), args.text("group")); }));
         }},
        {"leave-group",
         [](Node& node, const Arguments& args) {
             const auto group = args.text("group");
             return leftGroupResult(group, node.withRelay([&](RelayEngine& relay) { return relay.leaveGroup(group); }));
         }},
        {"add-share-members",
         [](Node& node, const Arguments& args) {
             const auto share = shareArgument(node, args);
             return shareChangeResult(node.withTerminal([&](TerminalEngine& terminal) {
                 return terminal.addShareMembers(share, args.texts("members"));
             }));
         }},
        {"remove-share-members",
         [](Node& node, const Arguments& args) {
             const auto share = shareArgument(node, args);
             return shareChangeResult(node.withTerminal([&](TerminalEngine& terminal) {
                 return terminal.removeShareMembers(share, args.texts("members"));
             }));
         }},
        {"delete-share",
         [](Node& node, const Arguments& args) {
             const auto share = shareArgument(node, args);
             return shareChangeResult(
                 node.withTerminal([&](TerminalEngine& terminal) { return terminal.deleteShare(share); }));
         }},
        {"remove-resource",
         [](Node& node, const Arguments& args) {
             const auto share = shareArgument(node, args);
             return removedResourceResult(node.withTerminal([&](TerminalEngine& terminal) {
                 return terminal.removeResource(share, args.text("name"));
             }));
         }},
        {"create-share",
         [](Node& node, const Arguments& args) {
             return result("share_id", node.withTerminal([&](TerminalEngine& terminal) {
                 return terminal.createShare(args.text("group"), args.text("name"), args.texts("members"));
             }));
         }},
        {"add-resource",
         [](Node& node, const Arguments& args) {
             const auto share = shareArgument(node, args);
             // The disk is read without the node's lock (Node::addResources).
             node.addResources(share, {{args.text("name"), args.text("location")}}, existingOf(args));
             return empty();
         }},
        {"add-resources",
         [](Node& node, const Arguments& args) {
             const auto share = shareArgument(node, args);
             const auto pairs = args.texts("pairs");
             if (pairs.empty() || pairs.size() % 2 != 0)
                 throw CommandError("add-resources: give NAME LOCATION pairs");
             std::vector<std::pair<std::string, std::string>> named;
             for (std::size_t i = 0; i < pairs.size(); i += 2) named.emplace_back(pairs[i], pairs[i + 1]);
             node.addResources(share, named, existingOf(args));
             return result("added", std::to_string(named.size()));
         }},
        {"add-children",
         [](Node& node, const Arguments& args) {
             const auto share = shareArgument(node, args);
             const auto added = node.addChildren(share, args.text("folder"), existingOf(args));
             return result("added", std::to_string(added));
         }},
        {"accept-store-root",
         [](Node& node, const Arguments& args) {
             return result("identity", node.withTerminal([&](TerminalEngine& terminal) {
                 return terminal.acceptStoreRoot(args.text("prefix"));
             }));
         }},
        {"check",
         [](Node& node, const Arguments& args) {
             const auto share = shareArgument(node, args);
             return reportResult(node.checkResources(share, args.texts("names")));
         }},
        {"sync",
         [](Node& node, const Arguments& args) {
             const auto share = shareArgument(node, args, Holder::relay_or_terminal);
             return result("sync_id", node.synchronize(share, args.texts("names")));
         }},
        {"sync-status",
         [](Node& node, const Arguments& args) {
             const auto sync_id = args.text("sync_id");
             return node.withEngine([&](EngineBase& engine) {
                 Poco::JSON::Object::Ptr answer = new Poco::JSON::Object;
                 answer->set("sync_id", sync_id);
                 if (const auto report = engine.syncs().result(sync_id)) {
                     answer->set("finished", true);
                     answer->set("report", reportResult(*report));
                 } else if (const auto session = engine.syncs().session(sync_id)) {
                     // Every node still checking, across all hops, as the relays below report it.
                     const auto still = session->stillChecking();
                     answer->set("finished", false);
                     answer->set("waiting_for", json::toArray(still.nodes));
                     answer->set("more_waiting", still.more);
                 } else {
                     throw CommandError("no synchronize " + sync_id + " is known here");
                 }
                 return answer;
             });
         }},
        // Remote access (admin/remote_commands.h), with the request's own arguments.
        {"browse", [](Node& node, const Arguments& args) { return browseCommand(node, args.raw()); }},
        {"fetch-open", [](Node& node, const Arguments& args) { return fetchOpenCommand(node, args.raw()); }},
        {"fetch-next", [](Node& node, const Arguments& args) { return fetchNextCommand(node, args.raw()); }},
        {"fetch-close", [](Node& node, const Arguments& args) { return fetchCloseCommand(node, args.raw()); }},
        {"access-log", [](Node& node, const Arguments& args) { return accessLogCommand(node, args.raw()); }},
    };
    return table;
}

}  // namespace

Poco::JSON::Object::Ptr runAdminCommand(Node& node, const Poco::JSON::Object::Ptr& request) {
    const auto name = json::optionalString(request, "command");
    const auto command = commands().find(name);
    if (command == commands().end()) {
        std::string known;
        for (const auto& [each, unused] : commands()) known += (known.empty() ? "" : ", ") + each;
        throw CommandError(name.empty() ? "the request names no command (known: " + known + ")"
                                        : "unknown command '" + name + "' (known: " + known + ")");
    }
    return command->second(node, Arguments(request->getObject("args")));
}

}  // namespace relaysync::core
