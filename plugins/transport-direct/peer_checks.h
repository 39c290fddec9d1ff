#pragma once
// What a peer must prove before its connection is established, whichever side dialed: a role
// that may talk to this node, and a HELLO that agrees with its certificate. Each check throws
// Refusal with a reason for the log (network values quoted and shortened).

#include <string>

#include "relaysync/sdk/transport.h"

namespace relaysync::transport_direct {

// Relays talk to relays and to their own terminals; a terminal talks to its own relay only.
// `self` is this node as its certificate says (role unknown in plaintext mode: no check).
void checkRoles(const sdk::PeerIdentity& self, const sdk::PeerIdentity& peer);

// The peer said it is `hello`. `certificate`: what its certificate proved (empty account in
// plaintext mode); `dialed`: the account this node dialed, empty for an accepted connection.
void checkHello(const std::string& own_account, const std::string& hello, const sdk::PeerIdentity& certificate,
                const std::string& dialed);

}  // namespace relaysync::transport_direct
