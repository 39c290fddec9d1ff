// The synchronize fan-out at a relay (patent Fig. 14-15): one instruction reaches every relay
// with members and every member terminal; a targeted one only the owners of the named
// resources and the relays on their way.
#include <map>

#include "engine/relay_engine.h"
#include "engine/sync_messages.h"
#include "protocol/json_fields.h"

namespace relaysync::core {

std::string RelayEngine::synchronize(const std::string& share_id, const std::vector<std::string>& names) {
    return runCommand([&] {
        if (!shares_.find(share_id)) throw CommandError("synchronize: share " + share_id + " is not known here");
        const auto sync_id = account_ + "/sync-" + std::to_string(database_.nextCounter("sync"));
        // An operator's sync: nobody waits above this relay, so it uses all of the time itself.
        startSynchronize(sync_id, "", share_id, names, false,
                         SyncRequest::kDefaultSyncTimeoutMs + SyncRequest::hopMarginMs(SyncRequest::kDefaultSyncTimeoutMs));
        return sync_id;
    });
}

HandleResult RelayEngine::onSynchronize(const Message& message) {
    const auto request = SyncRequest::fromBody(message.body);
    const bool from_relay = message.type == MessageType::synchronize;
    const auto share = shares_.find(request.share_id);
    const auto group = share ? groups_.find(share->group_id) : std::nullopt;
    std::string problem;
    // A sync id is "<originator>/sync-<n>": the asking terminal itself, or for a relay, the relay
    // itself (an operator's sync) or one of its own terminals. Nobody can speak into another's.
    const auto originator = request.sync_id.substr(0, request.sync_id.find('/'));
    const auto deleted = !share && shares_.record(request.share_id);
    if (deleted)
        problem = "share " + request.share_id + " was deleted by its creator";
    else if (!share || !group)
        problem = "share " + request.share_id + " is not known at " + account_;
    else if (from_relay ? !group->hasRelay(message.from) : !share->isMember(message.from))
        problem = message.from + " may not synchronize share " + request.share_id;
    else if (request.sync_id.find('/') == std::string::npos ||
             (originator != message.from && !(from_relay && group->relayOf(originator) == message.from)))
        problem = "sync id " + request.sync_id + " is not " + message.from + "'s to use";
    else if (syncs_.session(request.sync_id))
        problem = "sync id " + request.sync_id + " is already in use at " + account_;
    if (!share && !deleted && from_relay && request.digests) askForDefinition(request, message.from);
    if (!problem.empty()) {
        // Answered with a report, not refused, so that whoever waits for it is not left waiting.
        SyncReport report;
        report.sync_id = request.sync_id;
        report.share_id = request.share_id;
        report.problems.push_back(problem);
        send(MessageType::synchronize_result, message.from, reportBody(report));
        log().warning("%s: answered %s %s from %s with a problem: %s", account_, std::string(wireName(message.type)),
                      message.id, message.from, problem);
        return HandleResult::applied();
    }
    if (request.digests) repairFromRequest(*group, request.share_id, message.from, from_relay, *request.digests);
    startSynchronize(request.sync_id, message.from, request.share_id, request.names, from_relay, request.timeout_ms);
    return HandleResult::applied();
}

std::string RelayEngine::startSynchronize(const std::string& sync_id, const std::string& reply_to,
                                          const std::string& share_id, const std::vector<std::string>& names,
                                          bool from_relay, std::int64_t timeout_ms) {
    // Deadlines shrink per hop: this relay stops waiting a margin before its asker does, and
    // gives the nodes it asks that much less again.
    const auto own_wait_ms = std::max<std::int64_t>(1, timeout_ms - SyncRequest::hopMarginMs(timeout_ms));
    const auto share = *shares_.find(share_id);
    const auto group = *groups_.find(share.group_id);
    SyncReport report;
    report.sync_id = sync_id;
    report.share_id = share_id;

    // Who is asked, and for which names (empty: everything they own in the share).
    std::map<std::string, std::vector<std::string>> relays, terminals;
    if (names.empty()) {
        std::set<std::string> member_relays, own_terminals;
        splitByRelay(group, share.members, member_relays, own_terminals);
        if (!from_relay)
            for (const auto& relay : member_relays) relays[relay];
        for (const auto& terminal : own_terminals)
            if (terminal != reply_to) terminals[terminal];
    } else {
        for (const auto& name : names) {
            const auto entry = shares_.entry(share_id, name);
            if (!entry || entry->removed) {
                report.unknown_resources.push_back(name);
                continue;
            }
            if (entry->owner == reply_to) continue;  // the asking terminal checked its own already
            const auto relay = group.relayOf(entry->owner);
            if (!relay) {
                report.unreachable_nodes.push_back(entry->owner + " (not a shareable terminal of " + group.id + ")");
            } else if (*relay == account_) {
                terminals[entry->owner].push_back(name);
            } else if (!from_relay) {
                relays[*relay].push_back(name);
            }
        }
    }

    std::vector<std::string> waiting_for;
    std::set<std::string> asked_relays;
    // A whole-share sync carries what this relay holds, so each answerer can repair (§ Repair).
    const bool whole_share = names.empty();
    std::optional<OwnerDigests> digests;
    if (whole_share) digests = shares_.ownerDigests(share_id);
    auto ask = [&](MessageType type, const std::string& to, const std::vector<std::string>& for_names) {
        // Sent even to a node that is down now: it checks when it is back. The report says so.
        SyncRequest request(sync_id, share_id, for_names, digests);
        request.timeout_ms = own_wait_ms;
        if (whole_share && type == MessageType::synchronize) {
            request.group_id = share.group_id;
            request.creator = share.creator;
        }
        send(type, to, request.toBody());
        if (reachable(to))
            waiting_for.push_back(to);
        else
            report.unreachable_nodes.push_back(to);
        if (type == MessageType::synchronize) asked_relays.insert(to);
    };
    for (const auto& [relay, for_names] : relays) ask(MessageType::synchronize, relay, for_names);
    for (const auto& [terminal, for_names] : terminals) ask(MessageType::synchronize_instruction, terminal, for_names);
    // Where the sync started here, every relay asked hears at the end what the owners' relays hold.
    fanout_.open(sync_id, reply_to, waiting_for, report, nowMs(), nowMs() + own_wait_ms, whole_share,
                 whole_share && !from_relay ? asked_relays : std::set<std::string>{});
    return sync_id;
}

}  // namespace relaysync::core
