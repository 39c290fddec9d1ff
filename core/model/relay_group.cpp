#include "model/relay_group.h"

namespace relaysync::core {

const GroupRelay* RelayGroup::findRelay(const std::string& account) const {
    for (const auto& relay : relays)
        if (relay.account == account) return &relay;
    return nullptr;
}

bool GroupRelay::supersedes(const GroupRelay& stored) const {
    return version > stored.version || (version == stored.version && removed && !stored.removed);
}

const GroupRelay* RelayGroup::findRelayRecord(const std::string& account) const {
    if (const auto* live = findRelay(account)) return live;
    for (const auto& relay : removed_relays)
        if (relay.account == account) return &relay;
    return nullptr;
}

const ShareableTerminal* RelayGroup::findTerminal(const std::string& account) const {
    for (const auto& terminal : terminals)
        if (terminal.account == account) return &terminal;
    return nullptr;
}

std::optional<std::string> RelayGroup::relayOf(const std::string& terminal) const {
    if (const auto* found = findTerminal(terminal)) return found->relay;
    return std::nullopt;
}

}  // namespace relaysync::core
