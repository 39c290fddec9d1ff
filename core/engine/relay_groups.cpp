// Relay group formation at a relay (patent Fig. 10-11).
#include <cstdio>
#include <sstream>

#include <Poco/JSON/Parser.h>

#include "engine/dependency.h"
#include "engine/group_messages.h"
#include "engine/relay_engine.h"
#include "model/account.h"
#include "protocol/bodies.h"
#include "protocol/entry_chunks.h"
#include "protocol/json_fields.h"

namespace relaysync::core {

namespace {

std::string localPart(const std::string& account) { return account.substr(0, account.find('@')); }

Poco::JSON::Object::Ptr groupBody(const RelayGroup& group) { return GroupUpdate{group}.toBody(); }

Poco::JSON::Object::Ptr terminalBody(const std::string& group_id, const ShareableTerminal& terminal) {
    return TerminalChange{group_id, terminal}.toBody();
}

}  // namespace

// A relay account that is malformed, this relay's own, or a terminal this relay knows would
// only collect messages in the outbox that nobody ever takes.
void RelayEngine::checkRelayAccount(const std::string& command, const std::string& relay, bool force) {
    if (relay == account_) throw CommandError(command + ": " + relay + " is this relay itself");
    if (force) return;
    if (const auto problem = accountProblem(relay); !problem.empty())
        throw CommandError(command + ": '" + relay + "' is not a relay account: " + problem + " (--force to insist)");
    if (groups_.isTerminal(relay))
        throw CommandError(command + ": " + relay + " is a terminal, not a relay (--force to insist)");
}

std::string RelayEngine::createGroup(const std::optional<std::string>& peer, bool force) {
    if (peer && peer->empty()) throw CommandError("createGroup: the peer must be another relay's account");
    return runCommand([&] {
        if (peer) checkRelayAccount("createGroup", *peer, force);
        // The counter alone could meet an id restored from elsewhere (a database put back): skip it.
        std::string group_id;
        do {
            char number[24];
            std::snprintf(number, sizeof number, "%04lld", static_cast<long long>(database_.nextCounter("group")));
            group_id = std::string(number) + "@" + localPart(account_);
        } while (groups_.exists(group_id) || invitations_.find(group_id) || groups_.leftVersion(group_id));
        groups_.addGroup(group_id);
        groups_.putRelay(group_id, {account_, display_name_});
        if (peer) {
            groups_.putRelay(group_id, {*peer, ""});
            sendGroup(MessageType::group_info, *peer, *groups_.find(group_id));
        }
        log().information("%s: created group %s%s", account_, group_id, peer ? " with " + *peer : std::string{});
        return group_id;
    });
}

void RelayEngine::addGroup(const std::string& relay, const std::string& group_id, bool force) {
    runCommand([&] {
        auto group = groups_.find(group_id);
        if (!group) throw CommandError("addGroup: this relay is not in group " + group_id);
        if (!relay.empty()) checkRelayAccount("addGroup", relay, force);
        if (relay.empty() || group->hasRelay(relay))
            throw CommandError("addGroup: " + relay + " is already in group " + group_id);
        // A relay removed before comes back with a version above its tombstone's.
        const auto* removed = group->findRelayRecord(relay);
        groups_.putRelay(group_id, {relay, "", removed ? removed->version + 1 : 1, false});
        const auto updated = *groups_.find(group_id);
        sendGroup(MessageType::group_info, relay, updated);
        for (const auto& member : group->relays)
            if (member.account != account_) sendGroup(MessageType::update_group_info, member.account, updated);
        showOwnTerminals(updated);
    });
}

void RelayEngine::addTerminal(const std::string& group_id, const std::string& terminal,
                              const std::string& display_name, const std::string& department, bool force) {
    runCommand([&] {
        const auto group = groups_.find(group_id);
        if (!group) throw CommandError("addTerminal: this relay is not in group " + group_id);
        if (!force && !policy_.listsTerminal(terminal) && !groups_.isTerminalOf(terminal, account_))
            throw CommandError("addTerminal: " + terminal + " is not a terminal of this relay (list it under"
                               " groups.terminals in the profile, or --force)");
        const auto record = groups_.terminalRecord(group_id, terminal);
        if (record && !record->removed) throw CommandError("addTerminal: " + terminal + " is already in " + group_id);
        ShareableTerminal admitted{terminal, account_, display_name, department, record ? record->version + 1 : 1, false};
        groups_.putTerminalIfNewer(group_id, admitted);
        notifyTerminalChange(*group, admitted);
        const auto updated = *groups_.find(group_id);
        sendGroup(MessageType::group_info, terminal, updated);
        // A terminal admitted again (after deleteTerminal, or with a database made anew) gets
        // back the shares that still list it.
        for (const auto& share : shares_.shares())
            if (share.group_id == group_id && share.isMember(terminal)) sendPolicyData(updated, share, {}, {terminal});
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

// A group of many terminals goes as several messages of the same type, each with every relay
// and some of the terminal records: each is taken on its own, and terminal records are only
// ever stored if newer, so the pieces may come in any number and order.
void RelayEngine::sendGroup(MessageType type, const std::string& to, const RelayGroup& group) {
    for (const auto& chunk : chunkBySize(group.terminals, chunkBytes())) {
        auto piece = group;
        piece.terminals = chunk;
        send(type, to, groupBody(piece));
    }
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

// This relay's record in a group, with the display name its profile gives it now.
GroupRelay RelayEngine::ownRecord(const std::string& group_id) {
    auto own = groups_.relayRecord(group_id, account_).value_or(GroupRelay{account_, display_name_});
    own.display_name = display_name_;
    return own;
}

void RelayEngine::sendServerInfoRequest(const std::string& group_id, const std::string& relay) {
    send(MessageType::request_server_info, relay, ServerInfoRequest{group_id, ownRecord(group_id)}.toBody());
}

std::optional<RelayGroup> RelayEngine::groupWithRelay(const std::string& group_id, const std::string& relay,
                                                     HandleResult& outcome) {
    auto group = groups_.find(group_id);
    if (!group)
        outcome = HandleResult::deferred("group " + group_id + " is not known here yet", dependency::group(group_id));
    else if (group->findRelayRecord(relay) && !group->hasRelay(relay))
        outcome = HandleResult::refused(relay + " was removed from group " + group_id);  // it cannot act for it
    else if (!group->hasRelay(relay))
        outcome = HandleResult::deferred(relay + " is not in " + group_id + " yet", dependency::relayIn(group_id, relay));
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
    const auto group = GroupUpdate::fromBody(message.body).group;
    if (!group.hasRelay(account_)) return HandleResult::refused("group-info for " + group.id + " does not list this relay");
    if (!group.hasRelay(message.from))
        return HandleResult::refused("group-info for " + group.id + " from a relay it does not list");
    if (const auto stored = groups_.find(group.id)) {
        // A known group changes only on the word of a relay already in it.
        if (!stored->hasRelay(message.from))
            return HandleResult::refused(message.from + " is not a relay of group " + group.id + " here");
        return applyGroupUpdate(message, group);
    }
    // Out of the group since: only an invitation that adds this relay again (a record newer
    // than its tombstone) brings it back; a late copy of an older one does not.
    if (const auto left = groups_.leftVersion(group.id); left && group.findRelay(account_)->version <= *left)
        return HandleResult::refused("this relay was taken out of group " + group.id + " (its record's version " +
                                     std::to_string(*left) + "); only a newer invitation brings it back");
    // Joining needs consent here: the profile's allow-list, or the operator.
    if (policy_.acceptsInvitationsFrom(message.from)) {
        joinGroup(group, message.from);
        log().information("%s: joined group %s on the invitation of %s (allowed by the profile)", account_, group.id,
                          message.from);
        answer(message, true);
        return HandleResult::applied();
    }
    std::ostringstream json;
    toJson(group)->stringify(json);
    invitations_.put(Invitation{group.id, message.from, message.id, json.str(), nowMs()});
    log().notice("%s: %s invites this relay into group %s; it waits for 'accept-invitation %s' or"
                 " 'refuse-invitation %s'",
                 account_, message.from, group.id, group.id, group.id);
    return HandleResult::applied();
}

// Joins a group on an invitation: stores its relay records and the records of the inviter's own
// terminals, and asks every other relay in it for its server info.
void RelayEngine::joinGroup(const RelayGroup& group, const std::string& inviter) {
    groups_.forgetLeft(group.id);
    groups_.addGroup(group.id);
    storeTerminalsOf(inviter, group);
    mergeRelayRecords(group);
    for (const auto& relay : group.relays)
        if (relay.account != account_) sendServerInfoRequest(group.id, relay.account);
}

std::vector<Invitation> RelayEngine::invitations() {
    return runCommand([&] { return invitations_.all(); });
}

void RelayEngine::acceptInvitation(const std::string& group_id) {
    runCommand([&] {
        const auto invitation = invitations_.find(group_id);
        if (!invitation) throw CommandError("accept-invitation: no invitation into " + group_id + " waits here");
        Poco::JSON::Parser parser;
        const auto group = groupFromJson(parser.parse(invitation->group_json).extract<Poco::JSON::Object::Ptr>(),
                                         "invitation");
        joinGroup(group, invitation->inviter);
        invitations_.remove(group_id);
        sendAnswer(invitation->inviter, invitation->message_id, MessageType::group_info, true, "");
        log().information("%s: joined group %s on the invitation of %s (accepted by the operator)", account_, group_id,
                          invitation->inviter);
    });
}

void RelayEngine::refuseInvitation(const std::string& group_id) {
    runCommand([&] {
        const auto invitation = invitations_.find(group_id);
        if (!invitation) throw CommandError("refuse-invitation: no invitation into " + group_id + " waits here");
        invitations_.remove(group_id);
        sendAnswer(invitation->inviter, invitation->message_id, MessageType::group_info, false,
                   "the operator of " + account_ + " declined the invitation into " + group_id);
        log().information("%s: declined the invitation of %s into group %s", account_, invitation->inviter, group_id);
    });
}

HandleResult RelayEngine::onRequestServerInfo(const Message& message) {
    const auto [group_id, requester] = ServerInfoRequest::fromBody(message.body);
    if (requester.account != message.from) return HandleResult::refused("request-server-info speaks for another relay");
    HandleResult outcome;
    const auto group = groupWithRelay(group_id, message.from, outcome);
    if (!group) return outcome;
    // This relay's terminals see the relays of the group as it does, display names included.
    if (groups_.setRelayDisplayName(group_id, requester.account, requester.display_name))
        showOwnTerminals(*groups_.find(group_id));

    std::vector<ShareableTerminal> own;
    for (const auto& terminal : group->terminals)
        if (terminal.relay == account_) own.push_back(terminal);
    // Many terminals: several server-info messages, each taken on its own.
    for (const auto& chunk : chunkBySize(own, chunkBytes()))
        send(MessageType::server_info, message.from, ServerInfo{group_id, ownRecord(group_id), chunk}.toBody());
    return HandleResult::applied();
}

HandleResult RelayEngine::onServerInfo(const Message& message) {
    const auto [group_id, relay, terminals] = ServerInfo::fromBody(message.body);
    if (relay.account != message.from) return HandleResult::refused("server-info speaks for another relay");
    HandleResult outcome;
    const auto group = groupWithRelay(group_id, message.from, outcome);
    if (!group) return outcome;
    if (groups_.setRelayDisplayName(group_id, relay.account, relay.display_name)) showOwnTerminals(*groups_.find(group_id));
    // A relay speaks only for the terminals registered with it.
    for (const auto& terminal : terminals)
        if (terminal.relay == message.from) groups_.putTerminalIfNewer(group_id, terminal);
    return HandleResult::applied();
}

HandleResult RelayEngine::onTerminalGroupInfo(const Message& message, bool removed) {
    const auto [group_id, terminal] = TerminalChange::fromBody(message.body);
    if (terminal.removed != removed) return HandleResult::refused("terminal's removed flag does not match the message type");
    if (terminal.relay != message.from)
        return HandleResult::refused(message.from + " cannot speak for " + terminal.account + " of " + terminal.relay);
    HandleResult outcome;
    const auto group = groupWithRelay(group_id, message.from, outcome);
    if (!group) return outcome;
    if (groups_.putTerminalIfNewer(group_id, terminal)) {
        for (const auto& own : group->terminals)
            if (own.relay == account_) send(message.type, own.account, terminalBody(group_id, terminal));
    }
    answer(message, true);
    return HandleResult::applied();
}

}  // namespace relaysync::core
