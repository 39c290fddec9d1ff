// Repair at a relay (docs/protocol.md, "Repair"): a whole-share synchronize carries, hop by hop,
// a digest of what each node holds per owner; where two copies differ, the side that speaks for
// the owner sends its records. Each owner's records come only from the owner or its relay, as
// every other change does (§2a), so a repair can never be a way around the trust rules.
#include <map>

#include "engine/dependency.h"
#include "engine/relay_engine.h"
#include "engine/sync_messages.h"

namespace relaysync::core {

namespace {
// What `relay` says of the share's members that are its own terminals: their digests, and the
// empty digest for those with no live records (so that a copy still holding some is stale).
OwnerDigests ownedBy(const RelayGroup& group, const Share& share, const std::string& relay,
                     const OwnerDigests& digests) {
    OwnerDigests owned;
    for (const auto& member : share.members)
        if (group.relayOf(member) == relay) owned[member] = "";
    for (const auto& [owner, digest] : digests)
        if (group.relayOf(owner) == relay) owned[owner] = digest;
    return owned;
}
}  // namespace

void RelayEngine::pushRecords(const std::string& to, const std::string& share_id, const std::set<std::string>& owners) {
    for (const auto& owner : owners) sendRecords(to, share_id, shares_.recordsOf(share_id, owner));
}

// Asks each owner's relay for its records of those owners.
void RelayEngine::pullRecords(const RelayGroup& group, const std::string& share_id, const std::set<std::string>& owners) {
    std::map<std::string, std::vector<std::string>> by_relay;
    for (const auto& owner : owners) {
        const auto relay = group.relayOf(owner);
        if (relay && *relay != account_) by_relay[*relay].push_back(owner);
    }
    for (const auto& [relay, wanted] : by_relay)
        send(MessageType::request_entries, relay, EntriesRequest{share_id, wanted}.toBody());
}

// The asker's digests came with its request. Toward a terminal of its own this relay speaks
// for every other owner; toward a relay, for its own terminals, and it asks the other owners'
// relays where its own copy may be the stale one.
void RelayEngine::repairFromRequest(const RelayGroup& group, const std::string& share_id, const std::string& asker,
                                    bool from_relay, const OwnerDigests& theirs) {
    const auto mine = shares_.ownerDigests(share_id);
    auto differing = differingOwners(mine, theirs);
    if (!from_relay) {
        differing.erase(asker);  // the terminal speaks for itself
        pushRecords(asker, share_id, differing);
        return;
    }
    std::set<std::string> own, others;
    for (const auto& owner : differing) {
        const auto relay = group.relayOf(owner);
        if (relay == account_) own.insert(owner);
        else if (relay != asker) others.insert(owner);
    }
    pushRecords(asker, share_id, own);
    pullRecords(group, share_id, others);
}

OwnerDigests RelayEngine::onResultDigests(const Message& result, const SyncReport& report,
                                          const std::optional<OwnerDigests>& theirs) {
    const auto share = shares_.find(report.share_id);
    const auto group = share ? groups_.find(share->group_id) : std::nullopt;
    if (!share || !group) return {};
    const bool from_relay = roleOf(result) == sdk::PeerRole::relay;
    if (!theirs) {
        // A member terminal that answered without digests does not hold the share: give it the
        // whole copy again (a policy-data it never got).
        if (!from_relay && share->isMember(result.from) && group->relayOf(result.from) == account_)
            sendPolicyData(*group, *share, {}, {result.from});
        return {};
    }
    const auto mine = shares_.ownerDigests(report.share_id);
    auto differing = differingOwners(mine, *theirs);
    if (!from_relay) {
        differing.erase(result.from);
        pushRecords(result.from, report.share_id, differing);
        return {};
    }
    std::set<std::string> own;
    for (const auto& owner : differing)
        if (group->relayOf(owner) == account_) own.insert(owner);
    pushRecords(result.from, report.share_id, own);
    return ownedBy(*group, *share, result.from, *theirs);
}

// Where the sync started here: every relay asked hears what each owner's relay holds, and this
// relay compares its own copy too.
void RelayEngine::onSyncFinished(const SyncSession& finished) {
    EngineBase::onSyncFinished(finished);
    if (finished.repair_to.empty()) return;
    const auto& share_id = finished.report.share_id;
    const auto share = shares_.find(share_id);
    const auto group = share ? groups_.find(share->group_id) : std::nullopt;
    if (!share || !group) return;
    auto authoritative = finished.digests;
    const auto mine = shares_.ownerDigests(share_id);
    for (const auto& [owner, digest] : ownedBy(*group, *share, account_, mine)) authoritative[owner] = digest;
    for (const auto& relay : finished.repair_to)
        send(MessageType::sync_digests, relay, SyncDigests{finished.sync_id, share_id, authoritative}.toBody());
    pullRecords(*group, share_id, staleOwners(mine, finished.digests));
}

// A relay of a group this relay is in asks it to synchronize a share it never heard of (its
// policy-data was lost): it asks the creator's relay for the share, the one relay that may send it.
void RelayEngine::askForDefinition(const SyncRequest& request, const std::string& asker) {
    const auto group = groups_.find(request.group_id);
    if (!group || !group->hasRelay(asker)) return;
    const auto creator_relay = group->relayOf(request.creator);
    if (!creator_relay || *creator_relay == account_) return;
    send(MessageType::request_entries, *creator_relay, EntriesRequest{request.share_id, {}, true}.toBody());
}

HandleResult RelayEngine::onSyncDigests(const Message& message) {
    const auto update = SyncDigests::fromBody(message.body);
    const auto share = shares_.find(update.share_id);
    const auto group = share ? groups_.find(share->group_id) : std::nullopt;
    if (!share && shares_.record(update.share_id)) return HandleResult::applied();  // deleted: nothing to repair
    // The share's definition may still be on its way (asked for by askForDefinition).
    if (!share) return HandleResult::deferred("share " + update.share_id + " is not known here yet",
                                              dependency::share(update.share_id));
    if (!group) return HandleResult::deferred("group " + share->group_id + " is not known here yet",
                                              dependency::group(share->group_id));
    if (!group->hasRelay(message.from)) return HandleResult::refused(message.from + " is not a relay of " + group->id);
    // Only a hint: whatever it says, records come only from each owner's own relay.
    pullRecords(*group, update.share_id, staleOwners(shares_.ownerDigests(update.share_id), update.digests));
    return HandleResult::applied();
}

HandleResult RelayEngine::onRequestEntries(const Message& message) {
    const auto request = EntriesRequest::fromBody(message.body);
    const auto share = shares_.find(request.share_id);
    const auto group = share ? groups_.find(share->group_id) : std::nullopt;
    if (!share || !group) return HandleResult::refused("share " + request.share_id + " is not known at " + account_);
    if (!group->hasRelay(message.from)) return HandleResult::refused(message.from + " is not a relay of " + group->id);
    std::set<std::string> member_relays, own_terminals;
    splitByRelay(*group, share->members, member_relays, own_terminals);
    if (!member_relays.count(message.from))
        return HandleResult::refused(message.from + " holds no member of share " + request.share_id);
    if (request.definition && group->relayOf(share->creator) == account_)
        sendPolicyData(*group, *share, {message.from}, {});
    std::set<std::string> owners;
    for (const auto& owner : request.owners)
        if (group->relayOf(owner) == account_) owners.insert(owner);  // this relay speaks for these only
    pushRecords(message.from, request.share_id, owners);
    return HandleResult::applied();
}

}  // namespace relaysync::core
