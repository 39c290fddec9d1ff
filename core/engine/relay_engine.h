#pragma once
// A relay server's engine (patent Fig. 10-16, relay side): relay groups, share policy, and the
// synchronize fan-out to other relays and to its own member terminals.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/engine_base.h"
#include "engine/relay_policy.h"
#include "engine/sync_messages.h"
#include "persistence/invitation_store.h"

namespace relaysync::core {

class RelayEngine : public EngineBase {
public:
    RelayEngine(Database& database, std::string account, std::string display_name, RelayPolicy policy = {});

    // Operator commands. Each is one transaction; CommandError says why one cannot be done.

    // A new group with this relay and, if given, `peer` invited to it (Fig. 10, seq 11-13).
    // `force` skips the check that `peer` looks like a relay account.
    std::string createGroup(const std::optional<std::string>& peer, bool force = false);
    // Invites `relay` into an existing group (seq 14-19).
    void addGroup(const std::string& relay, const std::string& group_id, bool force = false);
    // Admits one of this relay's terminals as resource-shareable in a group (Fig. 11): one it has
    // admitted before or that its profile lists, unless `force`.
    void addTerminal(const std::string& group_id, const std::string& terminal, const std::string& display_name,
                     const std::string& department, bool force = false);

    // Invitations into groups that wait for this relay's operator (docs/protocol.md, "Consent").
    std::vector<Invitation> invitations();
    // Joins the group and tells the inviter; CommandError if no such invitation waits.
    void acceptInvitation(const std::string& group_id);
    // Declines it and tells the inviter why.
    void refuseInvitation(const std::string& group_id);
    void deleteTerminal(const std::string& group_id, const std::string& terminal);
    // Takes another relay out of a group this relay is in (relay_membership.cpp): the next
    // version of its record, a tombstone, goes to every relay of the group and to the removed
    // one, which forgets the group. Returns the group as stored here afterwards.
    RelayGroup removeRelay(const std::string& relay, const std::string& group_id);
    // Takes this relay out of a group: the others drop it and its terminals, this relay and its
    // terminals forget the group. Returns this relay's tombstone.
    GroupRelay leaveGroup(const std::string& group_id);
    // An operator's synchronize instruction; `names` empty means the whole share. Returns the
    // sync id; the report is stored in syncs() when every node has answered.
    std::string synchronize(const std::string& share_id, const std::vector<std::string>& names);

protected:
    HandleResult handle(const Message& message) override;
    void onSyncFinished(const SyncSession& finished) override;
    OwnerDigests onResultDigests(const Message& result, const SyncReport& report,
                                 const std::optional<OwnerDigests>& digests) override;

private:
    // Group formation (relay_groups.cpp)
    HandleResult onGroupInfo(const Message& message);
    void joinGroup(const RelayGroup& group, const std::string& inviter);
    void checkRelayAccount(const std::string& command, const std::string& relay, bool force);
    HandleResult onRequestServerInfo(const Message& message);
    HandleResult onServerInfo(const Message& message);
    HandleResult onTerminalGroupInfo(const Message& message, bool removed);
    // The group, when `relay` is in it as far as this relay knows. Otherwise `outcome` says what
    // becomes of the message: it waits while the group or the relay is not known here yet, and
    // is refused once the relay was removed from the group.
    std::optional<RelayGroup> groupWithRelay(const std::string& group_id, const std::string& relay,
                                             HandleResult& outcome);
    void storeTerminalsOf(const std::string& relay, const RelayGroup& group);
    void sendServerInfoRequest(const std::string& group_id, const std::string& relay);
    GroupRelay ownRecord(const std::string& group_id);
    void notifyTerminalChange(const RelayGroup& group, const ShareableTerminal& terminal);
    void sendGroup(MessageType type, const std::string& to, const RelayGroup& group);

    // Relays joining, leaving and removed: versioned relay records (relay_membership.cpp)
    HandleResult onUpdateGroupInfo(const Message& message);
    // What a relay of a known group says of it, by group-info or update-group-info.
    HandleResult applyGroupUpdate(const Message& message, const RelayGroup& update);
    struct RelayChanges {
        bool changed = false;                // some relay record was stored
        std::vector<std::string> joined;     // other relays in the group now that were not
        std::optional<GroupRelay> own_removal;  // this relay's own record became a tombstone
    };
    RelayChanges mergeRelayRecords(const RelayGroup& update);
    // Every other relay of the group hears what this relay now holds (except `heard_from`, when
    // `theirs`, what it said, already holds the same records).
    void announceRelays(const RelayGroup& group, const std::string& heard_from = {},
                        const RelayGroup* theirs = nullptr);
    // This relay's own terminals of the group see its relays as they are now (group-info).
    void showOwnTerminals(const RelayGroup& group);
    // This relay is out of `before` (the group as it was): it and its terminals forget it.
    void forgetGroup(const RelayGroup& before, std::int64_t own_version, const std::string& why);

    // Sharing (relay_sharing.cpp)
    HandleResult onCreateSharedResource(const Message& message);
    HandleResult onPolicyData(const Message& message);
    HandleResult onResourceInfo(const Message& message, sdk::PeerRole role, bool deletion);
    void sendPolicyData(const RelayGroup& group, const Share& share, const std::set<std::string>& relays,
                        const std::set<std::string>& own_terminals);
    void sendOwnRecords(const RelayGroup& group, const std::string& share_id, const std::set<std::string>& relays);
    // Every record of `share_id` whose owner is a terminal of this relay, tombstones included.
    std::vector<ResourceEntry> ownTerminalsRecords(const RelayGroup& group, const std::string& share_id);
    // Relays (other than this one) and own terminals that hold `members`.
    void splitByRelay(const RelayGroup& group, const std::vector<std::string>& members,
                      std::set<std::string>& relays, std::set<std::string>& own_terminals) const;

    // Synchronisation (relay_sync.cpp)
    HandleResult onSynchronize(const Message& message);
    // `timeout_ms`: how long whoever asked waits; this relay answers a margin before.
    std::string startSynchronize(const std::string& sync_id, const std::string& reply_to,
                                 const std::string& share_id, const std::vector<std::string>& names,
                                 bool from_relay, std::int64_t timeout_ms);

    // Repair (relay_repair.cpp)
    void repairFromRequest(const RelayGroup& group, const std::string& share_id, const std::string& asker,
                           bool from_relay, const OwnerDigests& theirs);
    HandleResult onSyncDigests(const Message& message);
    void askForDefinition(const SyncRequest& request, const std::string& asker);
    HandleResult onRequestEntries(const Message& message);
    void pushRecords(const std::string& to, const std::string& share_id, const std::set<std::string>& owners);
    void pullRecords(const RelayGroup& group, const std::string& share_id, const std::set<std::string>& owners);

    std::string ownRelayTerminal(const RelayGroup& group, const std::string& account) const;
    sdk::PeerRole roleOf(const Message& message);

    const std::string display_name_;
    const RelayPolicy policy_;
    InvitationStore invitations_;
};

}  // namespace relaysync::core
