#include "engine/relay_records.h"

namespace relaysync::core {

bool putRelayRecord(GroupRepository& groups, ShareRepository& shares, const std::string& group_id,
                    const GroupRelay& relay) {
    std::vector<std::string> leaving;
    if (relay.removed)
        if (const auto group = groups.find(group_id))
            for (const auto& terminal : group->terminals)
                if (terminal.relay == relay.account) leaving.push_back(terminal.account);
    if (!groups.putRelay(group_id, relay)) return false;
    if (!leaving.empty())
        for (const auto& share_id : shares.shareIdsOfGroup(group_id))
            for (const auto& owner : leaving) shares.removeRecordsOf(share_id, owner);
    return true;
}

}  // namespace relaysync::core
