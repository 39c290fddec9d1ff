// Relay group formation at a relay (patent Fig. 10-11).
#include <cstdio>

#include "engine/relay_engine.h"
#include "protocol/bodies.h"
#include "protocol/json_fields.h"

namespace relaysync::core {

namespace {

std::string localPart(const std::string& account) { return account.substr(0, account.find('@')); }

Poco::JSON::Object::Ptr groupBody(const RelayGroup& group) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("group", toJson(group));
    return body;
}

Poco::JSON::Object::Ptr terminalBody(const std::string& group_id, const ShareableTerminal& terminal) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("group_id", group_id);
    body->set("terminal", toJson(terminal));
    return body;
}

}  // namespace

std::string RelayEngine::createGroup(const std::optional<std::string>& peer) {
    if (peer && (peer->empty() || *peer == account_))
        throw CommandError("createGroup: the peer must be another relay's account");
    return runCommand([&] {
        char number[16];
        std::snprintf(number, sizeof number, "%04lld", static_cast<long long>(database_.nextCounter("group")));
        const std::string group_id = std::string(number) + "@" + localPart(account_);
        groups_.addGroup(group_id);
        groups_.putRelay(group_id, {account_, display_name_});
        if (peer) {
            groups_.putRelay(group_id, {*peer, ""});
            send(MessageType::group_info, *peer, groupBody(*groups_.find(group_id)));
        }
        log().information("%s: created group %s%s", account_, group_id, peer ? " with " + *peer : std::string{});
        return group_id;
    });
}

void RelayEngine::addGroup(const std::string& relay, const std::string& group_id) {
    runCommand([&] {
        auto group = groups_.find(group_id);
        if (!group) throw CommandError("addGroup: this relay is not in group " + group_id);
        if (relay.empty() || group->hasRelay(relay))
            throw CommandError("addGroup: " + relay + " is already in group " + group_id);
        groups_.putRelay(group_id, {relay, ""});
        const auto updated = *groups_.find(group_id);
        send(MessageType::group_info, relay, groupBody(updated));
        for (const auto& member : group->relays)
            if (member.account != account_) send(MessageType::update_group_info, member.account, groupBody(updated));
    });
}

void RelayEngine::addTerminal(const std::string& group_id, const std::string& terminal,
                              const std::string& display_name, const std::string& department) {
    runCommand([&] {
        const auto group = groups_.find(group_id);
        if (!group) throw CommandError("addTerminal: this relay is not in group " + group_id);
        const auto record = groups_.terminalRecord(group_id, terminal);
        if (record && !record->removed) throw CommandError("addTerminal: " + terminal + " is already in " + group_id);
        ShareableTerminal admitted{terminal, account_, display_name, department, record ? record->version + 1 : 1, false};
        groups_.putTerminalIfNewer(group_id, admitted);
        notifyTerminalChange(*group, admitted);
        send(MessageType::group_info, terminal, groupBody(*groups_.find(group_id)));
    });
}

void RelayEngine::deleteTerminal(const std::string& group_id, const std::string& terminal) {
    runCommand([&] {
        const auto group = groups_.find(group_id);
        const auto record = groups_.terminalRecord(group_id, terminal);
        if (!group || !record || record->removed)
            throw CommandError("deleteTerminal: " + terminal + " is not a shareable terminal of " + group_id);
        if (record->relay != account_)
            throw CommandError("deleteTerminal: " + terminal + " belongs to " + record->relay + ", delete it there");
        auto removed = *record;
        removed.removed = true;
        ++removed.version;
        groups_.putTerminalIfNewer(group_id, removed);
        notifyTerminalChange(*group, removed);
        send(MessageType::delete_group_info, terminal, terminalBody(group_id, removed));
    });
}

// add-group-info / delete-group-info to the other relays and to this relay's other terminals.
void RelayEngine::notifyTerminalChange(const RelayGroup& group, const ShareableTerminal& terminal) {
    const auto type = terminal.removed ? MessageType::delete_group_info : MessageType::add_group_info;
    for (const auto& relay : group.relays)
        if (relay.account != account_) send(type, relay.account, terminalBody(group.id, terminal));
    for (const auto& other : group.terminals)
        if (other.relay == account_ && other.account != terminal.account)
            send(type, other.account, terminalBody(group.id, terminal));
}

void RelayEngine::sendServerInfoRequest(const std::string& group_id, const std::string& relay) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("group_id", group_id);
    body->set("relay", toJson(GroupRelay{account_, display_name_}));
    send(MessageType::request_server_info, relay, body);
}

std::optional<RelayGroup> RelayEngine::groupWithRelay(const std::string& group_id, const std::string& relay,
                                                     std::string& waiting) {
    auto group = groups_.find(group_id);
    if (!group)
        waiting = "group " + group_id + " is not known here yet";
    else if (!group->hasRelay(relay))
        waiting = relay + " is not in " + group_id + " yet";
    else
        return group;
    return std::nullopt;
}

// A relay speaks only for the terminals registered with it; the others' records arrive in
// their own relays' server-info.
void RelayEngine::storeTerminalsOf(const std::string& relay, const RelayGroup& group) {
    for (const auto& terminal : group.terminals)
        if (terminal.relay == relay) groups_.putTerminalIfNewer(group.id, terminal);
}

HandleResult RelayEngine::onGroupInfo(const Message& message) {
    const auto group = groupFromJson(json::requireObject(message.body, "group", "body"), "body.group");
    if (!group.hasRelay(account_)) return HandleResult::refused("group-info for " + group.id + " does not list this relay");
    if (!group.hasRelay(message.from))
        return HandleResult::refused("group-info for " + group.id + " from a relay it does not list");
    // Joining is by the inviting operator's decision; see docs/protocol.md, "Consent".
    const bool known = groups_.exists(group.id);
    groups_.addGroup(group.id);
    for (const auto& relay : group.relays)
        groups_.putRelay(group.id, relay.account == account_ ? GroupRelay{account_, display_name_} : relay);
    storeTerminalsOf(message.from, group);
    if (!known) {
        log().information("%s: joined group %s on the invitation of %s", account_, group.id, message.from);
        for (const auto& relay : group.relays)
            if (relay.account != account_) sendServerInfoRequest(group.id, relay.account);
    }
    answer(message, true);
    return HandleResult::applied();
}

HandleResult RelayEngine::onUpdateGroupInfo(const Message& message) {
    const auto update = groupFromJson(json::requireObject(message.body, "group", "body"), "body.group");
    std::string waiting;
    const auto group = groupWithRelay(update.id, message.from, waiting);
    if (!group) return HandleResult::deferred(waiting);
    for (const auto& relay : update.relays) {
        if (relay.account == account_ || group->hasRelay(relay.account)) continue;
        groups_.putRelay(update.id, relay);
        sendServerInfoRequest(update.id, relay.account);
    }
    storeTerminalsOf(message.from, update);
    answer(message, true);
    return HandleResult::applied();
}

HandleResult RelayEngine::onRequestServerInfo(const Message& message) {
    const auto group_id = json::requireString(message.body, "group_id", "body");
    const auto requester = groupRelayFromJson(json::requireObject(message.body, "relay", "body"), "body.relay");
    if (requester.account != message.from) return HandleResult::refused("request-server-info speaks for another relay");
    std::string waiting;
    const auto group = groupWithRelay(group_id, message.from, waiting);
    if (!group) return HandleResult::deferred(waiting);
    groups_.putRelay(group_id, requester);

    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("group_id", group_id);
    body->set("relay", toJson(GroupRelay{account_, display_name_}));
    Poco::JSON::Array::Ptr terminals = new Poco::JSON::Array;
    for (const auto& terminal : group->terminals)
        if (terminal.relay == account_) terminals->add(toJson(terminal));
    body->set("terminals", terminals);
    send(MessageType::server_info, message.from, body);
    return HandleResult::applied();
}

HandleResult RelayEngine::onServerInfo(const Message& message) {
    const auto group_id = json::requireString(message.body, "group_id", "body");
    const auto relay = groupRelayFromJson(json::requireObject(message.body, "relay", "body"), "body.relay");
    if (relay.account != message.from) return HandleResult::refused("server-info speaks for another relay");
    std::string waiting;
    const auto group = groupWithRelay(group_id, message.from, waiting);
    if (!group) return HandleResult::deferred(waiting);
    groups_.putRelay(group_id, relay);
    const auto terminals = json::requireArray(message.body, "terminals", "body");
    for (std::size_t i = 0; i < terminals->size(); ++i) {
        const auto terminal = terminalFromJson(json::objectAt(terminals, i, "body.terminals"), "body.terminals");
        // A relay speaks only for the terminals registered with it.
        if (terminal.relay == message.from) groups_.putTerminalIfNewer(group_id, terminal);
    }
    return HandleResult::applied();
}

HandleResult RelayEngine::onTerminalGroupInfo(const Message& message, bool removed) {
    const auto group_id = json::requireString(message.body, "group_id", "body");
    const auto terminal = terminalFromJson(json::requireObject(message.body, "terminal", "body"), "body.terminal");
    if (terminal.removed != removed) return HandleResult::refused("terminal's removed flag does not match the message type");
    if (terminal.relay != message.from)
        return HandleResult::refused(message.from + " cannot speak for " + terminal.account + " of " + terminal.relay);
    std::string waiting;
    const auto group = groupWithRelay(group_id, message.from, waiting);
    if (!group) return HandleResult::deferred(waiting);
    if (groups_.putTerminalIfNewer(group_id, terminal)) {
        for (const auto& own : group->terminals)
            if (own.relay == account_) send(message.type, own.account, terminalBody(group_id, terminal));
    }
    answer(message, true);
    return HandleResult::applied();
}

}  // namespace relaysync::core
