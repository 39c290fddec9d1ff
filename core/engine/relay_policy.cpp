#include "engine/relay_policy.h"

#include <algorithm>

namespace relaysync::core {

bool RelayPolicy::acceptsInvitationsFrom(const std::string& relay) const {
    return std::any_of(accept_invitations_from.begin(), accept_invitations_from.end(),
                       [&](const std::string& allowed) { return allowed == "*" || allowed == relay; });
}

bool RelayPolicy::listsTerminal(const std::string& account) const {
    return std::find(terminals.begin(), terminals.end(), account) != terminals.end();
}

}  // namespace relaysync::core
