#pragma once
// Shared resource information (patent Fig. 7-8): shares, their members and resource entries.

#include <cstdint>
#include <string>
#include <vector>

#include "relaysync/sdk/entity.h"

namespace relaysync::core {

// Entry statuses as the patent writes them.
inline constexpr const char* kStatusOk = "ok";
inline constexpr const char* kStatusFileNotFound = "file not found";
// The entity's store could not be reached: nothing is known, nothing was removed.
inline constexpr const char* kStatusUnreachable = "unreachable";

// One shared resource. Written only by its owner terminal, which numbers its versions; every
// other node keeps the highest version it has seen, so a late message never rolls it back.
struct ResourceEntry {
    std::string share_id;
    std::string name;      // shared name, "folderA"
    std::string owner;     // the only terminal that touches the entity
    std::string location;  // at the owner: "c:/folderA", "network/z:/folderZ/budget.xls"
    std::string status = kStatusOk;
    sdk::EntityDetails details;
    std::int64_t version = 0;
    bool removed = false;  // tombstone of deleteResource

    friend bool operator==(const ResourceEntry&, const ResourceEntry&) = default;
};

// A share. Its definition (name, members) is written only by its creator, versioned likewise.
struct Share {
    std::string id;  // "20071001150032client11@relay-server1.net"
    std::string group_id;
    std::string name;  // "workspace1"
    std::string creator;
    std::vector<std::string> members;  // terminal accounts, creator included
    std::int64_t version = 0;
    // Deleted by its creator: the last definition, kept as a tombstone with no entries, so that
    // no late message brings the share back and its id is never used again.
    bool removed = false;

    bool isMember(const std::string& account) const;
    friend bool operator==(const Share&, const Share&) = default;
};

// Why `incoming` may not be stored over `stored` (or as a new share), or empty when it may. A
// share id is bound to its creator (it ends with the creator's account), and a known id never
// comes to mean another share: another creator or another group.
std::string shareIdentityProblem(const Share& incoming, const Share* stored);

}  // namespace relaysync::core
