// Shares and resource entries at a relay (patent Fig. 12): store, then pass on to the other
// relays that have members and to this relay's own member terminals.
#include <algorithm>

#include "engine/dependency.h"
#include "engine/relay_engine.h"
#include "engine/share_messages.h"
#include "protocol/bodies.h"
#include "protocol/entry_chunks.h"
#include "protocol/json_fields.h"

namespace relaysync::core {

namespace {
std::vector<std::string> unionOf(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::set<std::string> all(a.begin(), a.end());
    all.insert(b.begin(), b.end());
    return {all.begin(), all.end()};
}
}  // namespace

void RelayEngine::splitByRelay(const RelayGroup& group, const std::vector<std::string>& members,
                               std::set<std::string>& relays, std::set<std::string>& own_terminals) const {
    for (const auto& member : members) {
        const auto relay = group.relayOf(member);
        if (!relay) continue;
        if (*relay == account_)
            own_terminals.insert(member);
        else
            relays.insert(*relay);
    }
}

std::vector<ResourceEntry> RelayEngine::ownTerminalsRecords(const RelayGroup& group, const std::string& share_id) {
    std::vector<ResourceEntry> own;
    for (auto& record : shares_.entriesWithTombstones(share_id))
        if (group.relayOf(record.owner) == account_) own.push_back(std::move(record));
    return own;
}

// Another relay takes from this one only the records of this relay's own terminals (a relay
// speaks only for them); this relay's own terminals trust it for the whole copy.
void RelayEngine::sendPolicyData(const RelayGroup& group, const Share& share, const std::set<std::string>& relays,
                                 const std::set<std::string>& own_terminals) {
    const auto send_all = [&](const std::set<std::string>& accounts, const std::vector<ResourceEntry>& records) {
        for (const auto& chunk : chunkEntries(records, chunkBytes())) {
            const auto body = stringifyBody(*PolicyData{share, chunk}.toBody());
            for (const auto& to : accounts) send(MessageType::policy_data, to, std::string_view(body));
        }
    };
    if (!relays.empty()) send_all(relays, ownTerminalsRecords(group, share.id));
    if (!own_terminals.empty()) send_all(own_terminals, shares_.entriesWithTombstones(share.id));
}

// A relay that now holds members of the share hears from this relay what this relay's own
// terminals hold in it: nobody else may tell it.
void RelayEngine::sendOwnRecords(const RelayGroup& group, const std::string& share_id,
                                 const std::set<std::string>& relays) {
    if (relays.empty()) return;
    const auto records = ownTerminalsRecords(group, share_id);
    for (const auto& to : relays) sendRecords(to, share_id, records);
}

HandleResult RelayEngine::onCreateSharedResource(const Message& message) {
    const auto share = ShareDefinition::fromBody(message.body).share;
    const auto group = groups_.find(share.group_id);
    if (!group) return HandleResult::refused("this relay is not in group " + share.group_id);
    if (share.creator != message.from) return HandleResult::refused("a share can only be defined by its creator");
    if (ownRelayTerminal(*group, message.from).empty())
        return HandleResult::refused(message.from + " is not a shareable terminal of this relay in " + group->id);
    const auto previous = shares_.record(share.id);
    if (const auto problem = shareIdentityProblem(share, previous ? &*previous : nullptr); !problem.empty())
        return HandleResult::refused(problem);
    if (previous && previous->removed)
        return HandleResult::refused("share " + share.id + " was deleted; its id cannot be used again");
    if (!share.removed) {
        if (!share.isMember(share.creator)) return HandleResult::refused("the creator must be a member of the share");
        // Only members added now must be admitted: members kept from before may have left the
        // group since, and that must not stop the creator from changing its share.
        for (const auto& member : share.members)
            if (!(previous && previous->isMember(member)) && !group->findTerminal(member))
                return HandleResult::refused(member + " is not a shareable terminal of group " + group->id);
    }

    if (shares_.putIfNewer(share)) {
        // Former members hear of the new definition too, so that they drop the share.
        std::set<std::string> relays, own_terminals;
        splitByRelay(*group, unionOf(share.members, previous ? previous->members : std::vector<std::string>{}), relays,
                     own_terminals);
        own_terminals.erase(message.from);
        sendPolicyData(*group, share, relays, own_terminals);
        if (share.removed) log().information("%s: share %s was deleted by %s", account_, share.id, share.creator);
    }
    answer(message, true);
    return HandleResult::applied();
}

HandleResult RelayEngine::onPolicyData(const Message& message) {
    const auto [share, entries] = PolicyData::of(message);
    HandleResult outcome;
    const auto group = groupWithRelay(share.group_id, message.from, outcome);
    if (!group) return outcome;
    const auto creator_relay = group->relayOf(share.creator);
    if (!creator_relay) return HandleResult::deferred("creator " + share.creator + " is not known here yet",
                                                             dependency::terminalIn(group->id, share.creator));
    if (*creator_relay != message.from)
        return HandleResult::refused("policy-data for " + share.id + " must come from its creator's relay");
    for (const auto& entry : entries) {
        if (entry.share_id != share.id) return HandleResult::refused("an entry of another share in policy-data");
        const auto owner_relay = group->relayOf(entry.owner);
        if (!owner_relay) return HandleResult::deferred("owner " + entry.owner + " is not known here yet",
                                          dependency::terminalIn(group->id, entry.owner));
        if (*owner_relay != message.from)
            return HandleResult::refused(message.from + " cannot speak for entry '" + entry.name + "' of " + entry.owner);
    }

    const auto previous = shares_.record(share.id);
    if (const auto problem = shareIdentityProblem(share, previous ? &*previous : nullptr); !problem.empty())
        return HandleResult::refused(problem);
    // A deleted share stays deleted: a late definition or record of it changes nothing.
    if (previous && previous->removed) {
        answer(message, true);
        return HandleResult::applied();
    }
    bool changed = shares_.putIfNewer(share);
    const auto current = *shares_.record(share.id);
    if (!current.removed)
        for (const auto& entry : entries) changed = shares_.putEntryIfNewer(entry) || changed;
    if (changed) {
        std::set<std::string> relays, own_terminals;
        splitByRelay(*group, unionOf(current.members, previous ? previous->members : std::vector<std::string>{}),
                     relays, own_terminals);
        sendPolicyData(*group, current, {}, own_terminals);
        // Relays that hold members only now hear from this relay what its terminals hold.
        std::set<std::string> member_relays, former_relays, newcomers, unused;
        if (!current.removed) splitByRelay(*group, current.members, member_relays, unused);
        if (previous) splitByRelay(*group, previous->members, former_relays, unused);
        for (const auto& relay : member_relays)
            if (relay != message.from && !former_relays.count(relay)) newcomers.insert(relay);
        sendOwnRecords(*group, share.id, newcomers);
    }
    answer(message, true);
    return HandleResult::applied();
}

HandleResult RelayEngine::onResourceInfo(const Message& message, sdk::PeerRole role, bool deletion) {
    const auto share_id = json::requireString(message.body, "share_id", "body");
    std::vector<ResourceEntry> storage;
    const auto& entries = entriesOf(message, storage);
    const auto share = shares_.find(share_id);
    if (!share) {
        // Late records of a deleted share are dropped; of an unknown one, kept until it comes.
        if (const auto record = shares_.record(share_id); record && record->removed) return HandleResult::applied();
        return HandleResult::deferred("share " + share_id + " is not known here yet", dependency::share(share_id));
    }
    const auto group = groups_.find(share->group_id);
    if (!group) return HandleResult::deferred("group " + share->group_id + " is not known here yet",
                                                 dependency::group(share->group_id));

    const bool from_own_terminal = role == sdk::PeerRole::terminal;
    if (from_own_terminal) {
        if (ownRelayTerminal(*group, message.from).empty())
            return HandleResult::refused(message.from + " is not a shareable terminal of this relay in " + group->id);
        if (!share->isMember(message.from))
            return HandleResult::refused(message.from + " is not a member of share " + share_id);
    } else if (!group->hasRelay(message.from)) {
        return HandleResult::refused(message.from + " is not a relay of " + group->id);
    }
    for (const auto& entry : entries) {
        if (entry.share_id != share_id) return HandleResult::refused("an entry of another share");
        if (entry.removed != deletion) return HandleResult::refused("entry '" + entry.name + "' does not fit the message type");
        const auto owner_relay = group->relayOf(entry.owner);
        if (!from_own_terminal && !owner_relay)
            return HandleResult::deferred("owner " + entry.owner + " is not known here yet",
                                          dependency::terminalIn(group->id, entry.owner));
        if (from_own_terminal ? entry.owner != message.from : owner_relay != message.from)
            return HandleResult::refused(message.from + " cannot change entry '" + entry.name + "' owned by " + entry.owner);
        if (from_own_terminal) {
            const auto stored = shares_.entry(share_id, entry.name);
            if (stored && !stored->removed && stored->owner != entry.owner)
                return HandleResult::refused("'" + entry.name + "' is already shared by " + stored->owner);
        }
    }

    std::vector<ResourceEntry> applied;
    for (const auto& entry : entries)
        if (shares_.putEntryIfNewer(entry)) applied.push_back(entry);
    if (!applied.empty()) {
        std::set<std::string> relays, own_terminals;
        splitByRelay(*group, share->members, relays, own_terminals);
        own_terminals.erase(message.from);
        if (!from_own_terminal) relays.clear();  // the owner's relay already told every relay
        std::vector<std::string> to(relays.begin(), relays.end());
        to.insert(to.end(), own_terminals.begin(), own_terminals.end());
        sendEntries(message.type, to, share_id, applied);
    }
    return HandleResult::applied();
}

}  // namespace relaysync::core
