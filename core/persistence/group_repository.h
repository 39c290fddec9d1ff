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
    explicit GroupRepository(Database& database) : session_(database.session()) {}

    std::vector<std::string> groupIds();
    // The group with its relays and admitted terminals; nullopt when this node does not know it.
    std::optional<RelayGroup> find(const std::string& group_id);
    bool exists(const std::string& group_id);

    void addGroup(const std::string& group_id);
    // Adds the relay, or fills in its display name when a non-empty one arrives.
    void putRelay(const std::string& group_id, const GroupRelay& relay);
    // The stored record, tombstones included.
    std::optional<ShareableTerminal> terminalRecord(const std::string& group_id, const std::string& account);
    // Stores `terminal` if its version is newer than what is stored and it does not move an
    // admitted terminal to another relay; true if it was stored.
    bool putTerminalIfNewer(const std::string& group_id, const ShareableTerminal& terminal);
    // Whether `account` is known as a terminal (admitted or removed) in any group.
    bool isTerminal(const std::string& account);
    // Whether `terminal` is admitted, in any group, as a terminal of `relay`.
    bool isTerminalOf(const std::string& terminal, const std::string& relay);
    // Forgets a group entirely (a terminal that was removed from it).
    void removeGroup(const std::string& group_id);

private:
    Poco::Data::Session& session_;
};

}  // namespace relaysync::core
