#pragma once
// Transport: carries protocol messages between accounts (relay to relay, relay to terminal),
// e.g. through an external SIP server or directly over TLS. Payloads are opaque bytes to the
// transport: core encodes and decodes them (docs/protocol.md).

#include <string>

#include "relaysync/sdk/status.h"
#include "relaysync/sdk/visibility.h"

namespace relaysync::sdk {

class RELAYSYNC_SDK_VISIBLE TransportListener {
public:
    virtual ~TransportListener() = default;

    // A payload arrived from the authenticated account `from`. Called on a transport thread;
    // may be called concurrently for different peers. Must not throw.
    virtual void onMessage(const std::string& from, const std::string& payload) = 0;

    // A peer became reachable (true) or unreachable (false); core then retries its outbox.
    virtual void onReachabilityChanged(const std::string& /*account*/, bool /*reachable*/) {}
};

enum class Reachability { reachable, unreachable, unknown };

class RELAYSYNC_SDK_VISIBLE Transport {
public:
    virtual ~Transport() = default;

    // Starts carrying messages for `own_account`, delivering what arrives to `listener`,
    // which outlives the transport. ok, or why it cannot start (bad address, bad certificate).
    virtual Status start(const std::string& own_account, TransportListener& listener) = 0;

    // Hands one payload over for delivery to `to`.
    //   ok            the transport has taken it and will deliver it, or has delivered it;
    //   unreachable   the peer cannot be reached now: core keeps the message and retries;
    //   other codes   the message can never be delivered as it is (unknown account, too large).
    // Thread-safe.
    virtual Status send(const std::string& to, const std::string& payload) = 0;

    // What the transport knows now of whether `account` can be reached. Thread-safe.
    virtual Reachability reachability(const std::string& account) const = 0;

    // Stops all delivery; no listener call happens after it returns.
    virtual void stop() = 0;
};

}  // namespace relaysync::sdk
