#include "remote/remote_route.h"

namespace relaysync::core {

namespace {

// The relay a terminal of the share's group is registered at, "" when it is not admitted.
std::string relayOf(EngineBase& engine, const std::string& group_id, const std::string& terminal) {
    const auto record = engine.groups().terminalRecord(group_id, terminal);
    return record && !record->removed ? record->relay : std::string();
}

bool isOwnTerminal(EngineBase& engine, const RemotePeer& sender) {
    switch (sender.role) {
    case sdk::PeerRole::terminal: return sender.home_relay == engine.account();
    case sdk::PeerRole::relay: return false;
    case sdk::PeerRole::unknown: break;
    }
    return engine.groups().isTerminalOf(sender.account, engine.account());
}

RemoteHop refuse(RemoteErrorCode code, std::string reason) { return {code, std::move(reason), {}}; }

}  // namespace

RemoteHop relayHop(EngineBase& engine, const RemotePeer& sender, const RemoteMessage& m) {
    const auto& me = engine.account();
    const auto share = engine.shares().find(m.share_id);
    if (!share || share->removed) return refuse(RemoteErrorCode::not_member, "share " + m.share_id + " is unknown at " + me);
    const bool from_own_terminal = isOwnTerminal(engine, sender);
    const auto asker_relay = relayOf(engine, share->group_id, m.asker);
    const auto owner_relay = relayOf(engine, share->group_id, m.owner);
    if (isRemoteRequest(m.type)) {
        // A terminal asks only for itself; a relay only for its own terminals.
        if (from_own_terminal ? m.asker != sender.account : asker_relay != sender.account)
            return refuse(RemoteErrorCode::not_member, sender.account + " may not ask in the name of " + m.asker);
        if (!share->isMember(m.asker))
            return refuse(RemoteErrorCode::not_member, m.asker + " is not a member of share " + share->name);
        if (!share->isMember(m.owner) || owner_relay.empty())
            return refuse(RemoteErrorCode::gone, m.owner + " is not a member of share " + share->name + " any more");
        if (owner_relay == me) return {std::nullopt, {}, m.owner};
        if (from_own_terminal) return {std::nullopt, {}, owner_relay};
        return refuse(RemoteErrorCode::invalid, m.owner + " is not a terminal of " + me);
    }
    // A reply: only the owner itself, or the owner's relay, answers.
    if (from_own_terminal ? m.owner != sender.account : owner_relay != sender.account)
        return refuse(RemoteErrorCode::invalid, sender.account + " may not answer in the name of " + m.owner);
    if (asker_relay == me) return {std::nullopt, {}, m.asker};
    if (from_own_terminal && !asker_relay.empty()) return {std::nullopt, {}, asker_relay};
    return refuse(RemoteErrorCode::invalid, m.asker + " cannot be reached from " + me);
}

OwnerFacts ownerFacts(EngineBase& engine, const RemoteMessage& request) {
    OwnerFacts facts;
    const auto& me = engine.account();
    const auto share = engine.shares().find(request.share_id);
    if (!share || share->removed) {
        facts.refusal = RemoteErrorCode::not_member;
        facts.reason = "share " + request.share_id + " is unknown at " + me;
        return facts;
    }
    facts.share_name = share->name;
    if (!share->isMember(request.asker)) {
        facts.refusal = RemoteErrorCode::not_member;
        facts.reason = request.asker + " is not a member of share " + share->name;
        return facts;
    }
    const auto entry = engine.shares().entryOf(request.share_id, request.entry, me);
    if (!entry || entry->removed) {
        facts.refusal = RemoteErrorCode::gone;
        facts.reason = "'" + request.entry + "' is not shared by " + me + " in " + share->name;
        return facts;
    }
    facts.location = entry->location;
    return facts;
}

}  // namespace relaysync::core
