// SipTransport as the registrar's handler: MESSAGEs from the relay's own terminals, and their
// registrations as reachability.

#include "loggable.h"
#include "sip_transport.h"

namespace relaysync::transport_sip {

void SipTransport::onTerminalMessage(const std::shared_ptr<TcpLink>& link, const SipMessage& request) {
    // On the registrar's poll thread: only checks and a hand-off here, never the listener.
    if (request.content_type != kContentType) return respond(*link, request, 415, "Unsupported Media Type");
    std::weak_ptr<TcpLink> weak = link;
    if (!deliveries_.submit([this, weak, request] { deliver(weak, request, sdk::PeerRole::terminal); })) {
        limiter_.warning(request.from_account, "answered 503 to a MESSAGE from terminal " + request.from_account + ": " +
                                                   std::to_string(config_.delivery_queue) +
                                                   " received messages are already waiting");
        respond(*link, request, 503, "Service Unavailable");
    }
}

void SipTransport::onTerminalRegistration(const std::string& terminal, bool registered) {
    if (!registered) {
        // What was sent over its connection will get no answer now.
        {
            std::lock_guard lock(mutex_);
            for (auto& entry : pending_)
                if (entry.second->terminal == terminal) fail(*entry.second);
        }
    }
    peers_.set(terminal, registered);
}

}  // namespace relaysync::transport_sip
