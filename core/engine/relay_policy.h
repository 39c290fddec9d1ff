#pragma once
// What a relay's operator decided in its profile about who may join it to groups and which
// terminals are its own (docs/profile.md, "groups").

#include <string>
#include <vector>

namespace relaysync::core {

struct RelayPolicy {
    // Relays whose invitations into a group are accepted without an operator; "*" accepts any
    // relay. Every other invitation waits for `accept-invitation` or `refuse-invitation`.
    std::vector<std::string> accept_invitations_from;
    // Terminals registered at this relay, beyond those it has already admitted somewhere;
    // `add-terminal` refuses any other account unless forced.
    std::vector<std::string> terminals;

    bool acceptsInvitationsFrom(const std::string& relay) const;
    bool listsTerminal(const std::string& account) const;
};

}  // namespace relaysync::core
