#pragma once
// Relay group information (patent Fig. 6): the relays that formed a group by mutual consent,
// and per relay the terminals admitted to share resources in it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relaysync::core {

// A relay's membership of a group. Any relay of the group may write its next version (add it,
// remove it, add it again), so equal versions can meet: then the removal wins, and every
// replica settles on the same record whatever the order (GroupRepository::putRelay).
struct GroupRelay {
    std::string account;       // "relay-server1@net"
    std::string display_name;  // "Branch A"; empty until its server-info arrives
    std::int64_t version = 1;
    bool removed = false;  // kept as a tombstone so that no late group-info brings the relay back

    // Whether this record replaces `stored`, a record of the same relay: a higher version, or at
    // the same version a removal of a live record.
    bool supersedes(const GroupRelay& stored) const;
    friend bool operator==(const GroupRelay&, const GroupRelay&) = default;
};

// A resource-shareable terminal. Written only by its own relay, which numbers its versions.
struct ShareableTerminal {
    std::string account;  // "client11@relay-server1.net"
    std::string relay;    // the relay it is registered at
    std::string display_name;
    std::string department;
    std::int64_t version = 0;
    bool removed = false;  // kept as a tombstone so a late add-group-info cannot revive it
};

struct RelayGroup {
    std::string id;  // "0001@relay-server1"
    std::vector<GroupRelay> relays;            // in the group now
    std::vector<GroupRelay> removed_relays;    // tombstones of relays removed from it
    std::vector<ShareableTerminal> terminals;  // admitted only (no tombstones)

    const GroupRelay* findRelay(const std::string& account) const;
    const ShareableTerminal* findTerminal(const std::string& account) const;
    bool hasRelay(const std::string& account) const { return findRelay(account) != nullptr; }
    // The record of a relay, in the group or removed from it.
    const GroupRelay* findRelayRecord(const std::string& account) const;
    // The relay a terminal of this group is registered at, if it is admitted.
    std::optional<std::string> relayOf(const std::string& terminal) const;
};

}  // namespace relaysync::core
