#pragma once
// A relay server's engine (patent Fig. 10-16, relay side): relay groups, share policy, and the
// synchronize fan-out to other relays and to its own member terminals.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/engine_base.h"

namespace relaysync::core {

class RelayEngine : public EngineBase {
public:
    RelayEngine(Database& database, std::string account, std::string display_name);

    // Operator commands. Each is one transaction; CommandError says why one cannot be done.

    // A new group with this relay and, if given, `peer` invited to it (Fig. 10, seq 11-13).
    std::string createGroup(const std::optional<std::string>& peer);
    // Invites `relay` into an existing group (seq 14-19).
    void addGroup(const std::string& relay, const std::string& group_id);
    // Admits one of this relay's terminals as resource-shareable in a group (Fig. 11).
    void addTerminal(const std::string& group_id, const std::string& terminal, const std::string& display_name,
                     const std::string& department);
    void deleteTerminal(const std::string& group_id, const std::string& terminal);
    // An operator's synchronize instruction; `names` empty means the whole share. Returns the
    // sync id; the report is stored in syncs() when every node has answered.
    std::string synchronize(const std::string& share_id, const std::vector<std::string>& names);

protected:
    HandleResult handle(const Message& message) override;

private:
    // Group formation (relay_groups.cpp)
    HandleResult onGroupInfo(const Message& message);
    HandleResult onUpdateGroupInfo(const Message& message);
    HandleResult onRequestServerInfo(const Message& message);
    HandleResult onServerInfo(const Message& message);
    HandleResult onTerminalGroupInfo(const Message& message, bool removed);
    // The group, when `relay` is in it as far as this relay knows; else why a message must wait.
    std::optional<RelayGroup> groupWithRelay(const std::string& group_id, const std::string& relay,
                                             std::string& waiting);
    void storeTerminalsOf(const std::string& relay, const RelayGroup& group);
    void sendServerInfoRequest(const std::string& group_id, const std::string& relay);
    void notifyTerminalChange(const RelayGroup& group, const ShareableTerminal& terminal);

    // Sharing (relay_sharing.cpp)
    HandleResult onCreateSharedResource(const Message& message);
    HandleResult onPolicyData(const Message& message);
    HandleResult onResourceInfo(const Message& message, bool deletion);
    void sendPolicyData(const Share& share, const std::set<std::string>& accounts);
    // Relays (other than this one) and own terminals that hold `members`.
    void splitByRelay(const RelayGroup& group, const std::vector<std::string>& members,
                      std::set<std::string>& relays, std::set<std::string>& own_terminals) const;

    // Synchronisation (relay_sync.cpp)
    HandleResult onSynchronize(const Message& message);
    std::string startSynchronize(const std::string& sync_id, const std::string& reply_to,
                                 const std::string& share_id, const std::vector<std::string>& names,
                                 bool from_relay);

    std::string ownRelayTerminal(const RelayGroup& group, const std::string& account) const;

    const std::string display_name_;
};

}  // namespace relaysync::core
