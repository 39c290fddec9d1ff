#include "peer_checks.h"

#include "close_reason.h"
#include "log_text.h"

namespace relaysync::transport_direct {

using plugin_common::loggable;

void checkRoles(const sdk::PeerIdentity& self, const sdk::PeerIdentity& peer) {
    using sdk::PeerRole;
    if (self.role == PeerRole::relay) {
        if (peer.role == PeerRole::terminal && peer.home_relay != self.account)
            throw Refusal(loggable(peer.account) + " is a terminal of " + loggable(peer.home_relay) + ", not of this relay");
    } else if (self.role == PeerRole::terminal) {
        if (peer.role != PeerRole::relay)
            throw Refusal(loggable(peer.account) + " is a " + sdk::toString(peer.role) +
                          "; a terminal talks to its relay only");
        if (peer.account != self.home_relay)
            throw Refusal(loggable(peer.account) + " is not this terminal's relay " + self.home_relay);
    }
}

void checkHello(const std::string& own_account, const std::string& hello, const sdk::PeerIdentity& certificate,
                const std::string& dialed) {
    if (hello == own_account) throw Refusal("it says it is " + hello + ", which is this node's own account");
    if (!certificate.account.empty() && hello != certificate.account)
        throw Refusal("certificate is for " + loggable(certificate.account) + " but it says it is " + loggable(hello));
    if (!dialed.empty() && hello != dialed) throw Refusal("dialed " + dialed + " but it says it is " + loggable(hello));
}

}  // namespace relaysync::transport_direct
