#pragma once
// Relay group information as stored at one node.

#include <optional>
#include <string>
#include <vector>

#include "model/relay_group.h"
#include "persistence/database.h"

namespace relaysync::core {

class GroupRepository {
public:
    explicit GroupRepository(Database& database) : database_(database), session_(database.session()) {}

    std::vector<std::string> groupIds();
    // The group with its relays and admitted terminals; nullopt when this node does not know it.
    std::optional<RelayGroup> find(const std::string& group_id);
    bool exists(const std::string& group_id);

    void addGroup(const std::string& group_id);
    // Merges a relay's record (GroupRelay::supersedes): stores it when none is stored or it
    // supersedes the stored one; otherwise a non-empty display name of the same live version
    // fills in the stored one. Storing a removal also drops the group's records of terminals
    // registered at that relay: they leave with it. True when the record changed (the relay
    // added, removed or added again, or a tombstone learnt), not for a display name alone.
    bool putRelay(const std::string& group_id, const GroupRelay& relay);
    // A relay's own word on its display name: fills in the name of its live record; an empty
    // name never overwrites a known one. True when the stored name changed.
    bool setRelayDisplayName(const std::string& group_id, const std::string& account, const std::string& name);
    // The stored record of a relay, a tombstone included.
    std::optional<GroupRelay> relayRecord(const std::string& group_id, const std::string& account);
    // The stored record, tombstones included.
    std::optional<ShareableTerminal> terminalRecord(const std::string& group_id, const std::string& account);
    // Stores `terminal` if its version is newer than what is stored and it does not move an
    // admitted terminal to another relay; true if it was stored.
    bool putTerminalIfNewer(const std::string& group_id, const ShareableTerminal& terminal);
    // Whether `account` is known as a terminal (admitted or removed) in any group.
    bool isTerminal(const std::string& account);
    // Whether `terminal` is admitted, in any group, as a terminal of `relay`.
    bool isTerminalOf(const std::string& terminal, const std::string& relay);
    // Forgets a group entirely (a terminal that was removed from it, a relay that left it).
    void removeGroup(const std::string& group_id);

    // Groups this relay left or was removed from, with the version of its own record's
    // tombstone: an invitation into one is taken only with a newer record of this relay.
    void markLeft(const std::string& group_id, std::int64_t version);
    std::optional<std::int64_t> leftVersion(const std::string& group_id);
    void forgetLeft(const std::string& group_id);

private:
    Database& database_;
    Poco::Data::Session& session_;
};

}  // namespace relaysync::core
