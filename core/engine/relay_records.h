#pragma once
// Storing a relay's record of a group, at relays and terminals alike (docs/protocol.md §5).

#include <string>

#include "model/relay_group.h"
#include "persistence/group_repository.h"
#include "persistence/share_repository.h"

namespace relaysync::core {

// Merges `relay`'s record into the group (GroupRepository::putRelay). A removal takes the relay's
// terminals out with it: their shareable-terminal records and every record they own in the
// group's shares are dropped, since only their own relay may speak for them and it no longer can.
// If it is added again, its terminals start afresh. True when the record changed.
bool putRelayRecord(GroupRepository& groups, ShareRepository& shares, const std::string& group_id,
                    const GroupRelay& relay);

}  // namespace relaysync::core
