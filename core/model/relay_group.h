#pragma once
// Relay group information (patent Fig. 6): the relays that formed a group by mutual consent,
// and per relay the terminals admitted to share resources in it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relaysync::core {

struct GroupRelay {
    std::string account;       // "relay-server1@net"
    std::string display_name;  // "Branch A"; empty until its server-info arrives
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
    std::vector<GroupRelay> relays;
    std::vector<ShareableTerminal> terminals;  // admitted only (no tombstones)

    const GroupRelay* findRelay(const std::string& account) const;
    const ShareableTerminal* findTerminal(const std::string& account) const;
    bool hasRelay(const std::string& account) const { return findRelay(account) != nullptr; }
    // The relay a terminal of this group is registered at, if it is admitted.
    std::optional<std::string> relayOf(const std::string& terminal) const;
};

}  // namespace relaysync::core
