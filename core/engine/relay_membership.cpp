// Relays joining and leaving a group (docs/protocol.md §4.1, §5). A relay's membership of a
// group is a versioned record that any relay of the group may write (add it, remove it, add it
// again); at equal versions a removal wins, so every replica settles on the same records whatever
// the order of arrival, and a late older message never brings back a relay whose tombstone is
// stored. Whoever's copy of the records changes tells every other relay of the group what it now
// holds: a relay that missed a change (it was being added meanwhile, or the change came from a
// relay it did not know yet) hears it from the first relay that learns of both.
#include <set>
#include <tuple>

#include "engine/group_messages.h"
#include "engine/relay_engine.h"
#include "engine/relay_records.h"

namespace relaysync::core {

namespace {
// Whether two copies of a group hold the same relay records (display names aside).
bool sameRelayRecords(const RelayGroup& a, const RelayGroup& b) {
    const auto records = [](const RelayGroup& group) {
        std::set<std::tuple<std::string, std::int64_t, bool>> all;
        for (const auto* list : {&group.relays, &group.removed_relays})
            for (const auto& relay : *list) all.emplace(relay.account, relay.version, relay.removed);
        return all;
    };
    return records(a) == records(b);
}
}  // namespace

RelayEngine::RelayChanges RelayEngine::mergeRelayRecords(const RelayGroup& update) {
    RelayChanges changes;
    for (const auto* list : {&update.relays, &update.removed_relays}) {
        for (auto relay : *list) {
            const bool own = relay.account == account_;
            if (own) relay.display_name = display_name_;
            if (!putRelayRecord(groups_, shares_, update.id, relay)) continue;
            changes.changed = true;
            if (own && relay.removed)
                changes.own_removal = relay;
            else if (!own && !relay.removed)
                changes.joined.push_back(relay.account);
        }
    }
    return changes;
}

HandleResult RelayEngine::onUpdateGroupInfo(const Message& message) {
    const auto update = GroupUpdate::fromBody(message.body).group;
    // A removed relay passes its own removal on as it goes; where it is known removed already,
    // that says nothing new (and it may say nothing else).
    if (const auto stored = groups_.find(update.id)) {
        const auto* known = stored->findRelayRecord(message.from);
        const auto* said = update.findRelayRecord(message.from);
        if (known && known->removed && said && said->removed) {
            answer(message, true);
            return HandleResult::applied();
        }
    }
    HandleResult outcome;
    if (!groupWithRelay(update.id, message.from, outcome)) return outcome;
    return applyGroupUpdate(message, update);
}

// The sender is a relay of the group as stored here (checked by the caller).
HandleResult RelayEngine::applyGroupUpdate(const Message& message, const RelayGroup& update) {
    const auto before = *groups_.find(update.id);
    storeTerminalsOf(message.from, update);  // before the merge, which drops them if the sender left
    const auto changes = mergeRelayRecords(update);
    if (changes.own_removal) {
        // Told before going, so that a relay still counting this one in hears it from it too.
        announceRelays(*groups_.find(update.id), message.from, &update);
        forgetGroup(before, changes.own_removal->version, "heard from " + message.from);
    } else if (changes.changed) {
        for (const auto& relay : changes.joined) sendServerInfoRequest(update.id, relay);
        const auto now = *groups_.find(update.id);
        announceRelays(now, message.from, &update);
        showOwnTerminals(now);
    }
    answer(message, true);
    return HandleResult::applied();
}

void RelayEngine::announceRelays(const RelayGroup& group, const std::string& heard_from, const RelayGroup* theirs) {
    for (const auto& relay : group.relays) {
        if (relay.account == account_) continue;
        if (relay.account == heard_from && theirs && sameRelayRecords(*theirs, group)) continue;
        sendGroup(MessageType::update_group_info, relay.account, group);
    }
}

void RelayEngine::showOwnTerminals(const RelayGroup& group) {
    for (const auto& terminal : group.terminals)
        if (terminal.relay == account_) sendGroup(MessageType::group_info, terminal.account, group);
}

// Out of the group, this relay can no longer speak for its terminals in it nor pass anything on:
// they are withdrawn (and forget the group, as after deleteTerminal), it forgets the group and
// its shares, and remembers its tombstone's version so that only a newer invitation brings it
// back (RelayEngine::onGroupInfo).
void RelayEngine::forgetGroup(const RelayGroup& before, std::int64_t own_version, const std::string& why) {
    for (auto terminal : before.terminals) {
        if (terminal.relay != account_) continue;
        ++terminal.version;
        terminal.removed = true;
        send(MessageType::delete_group_info, terminal.account, TerminalChange{before.id, terminal}.toBody());
    }
    for (const auto& share_id : shares_.shareIdsOfGroup(before.id)) shares_.remove(share_id);
    groups_.removeGroup(before.id);
    groups_.markLeft(before.id, own_version);
    log().notice("%s: out of group %s (%s): forgot the group, its shares and its terminals in it", account_, before.id,
                 why);
}

RelayGroup RelayEngine::removeRelay(const std::string& relay, const std::string& group_id) {
    const std::string command = "remove-relay";
    return runCommand([&] {
        const auto group = groups_.find(group_id);
        if (!group) throw CommandError(command + ": this relay is not in group " + group_id);
        if (relay == account_)
            throw CommandError(command + ": " + relay + " is this relay (leave-group " + group_id + " takes it out)");
        const auto* record = group->findRelay(relay);
        if (!record) throw CommandError(command + ": " + relay + " is not a relay of group " + group_id);
        auto removed = *record;
        ++removed.version;
        removed.removed = true;
        putRelayRecord(groups_, shares_, group_id, removed);
        const auto now = *groups_.find(group_id);
        // The removed relay hears it too: it forgets the group and tells its terminals.
        sendGroup(MessageType::update_group_info, relay, now);
        announceRelays(now);
        showOwnTerminals(now);
        log().notice("%s: removed %s from group %s", account_, relay, group_id);
        return now;
    });
}

GroupRelay RelayEngine::leaveGroup(const std::string& group_id) {
    return runCommand([&] {
        const auto before = groups_.find(group_id);
        if (!before) throw CommandError("leave-group: this relay is not in group " + group_id);
        auto own = ownRecord(group_id);
        ++own.version;
        own.removed = true;
        putRelayRecord(groups_, shares_, group_id, own);
        announceRelays(*groups_.find(group_id));
        forgetGroup(*before, own.version, "left by its operator");
        return own;
    });
}

}  // namespace relaysync::core
