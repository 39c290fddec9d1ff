#pragma once
// Transport: carries protocol messages between accounts (relay to relay, relay to terminal),
// e.g. through an external SIP server or directly over TLS. Payloads are opaque bytes to the
// transport: core encodes and decodes them (docs/protocol.md).

#include <cstddef>
#include <cstdint>
#include <string>

#include "relaysync/sdk/status.h"
#include "relaysync/sdk/visibility.h"

namespace relaysync::sdk {

// What a peer's credentials prove about it (a certificate, later a SIP account). Core decides
// what a message may do from this, never from what the message itself claims.
enum class PeerRole : std::uint32_t {
    unknown = 0,   // the transport cannot prove a role (plaintext test mode, test networks)
    relay = 1,     // a site's relay server
    terminal = 2,  // a client terminal; `home_relay` names the relay it belongs to
};

struct PeerIdentity {
    std::string account;     // the authenticated account, e.g. "client11@relay-server1.net"
    PeerRole role = PeerRole::unknown;
    std::string home_relay;  // terminals: the relay account their credentials name; else empty
};

inline const char* toString(PeerRole role) noexcept {
    switch (role) {
    case PeerRole::relay: return "relay";
    case PeerRole::terminal: return "terminal";
    case PeerRole::unknown: break;
    }
    return "unknown";
}

class RELAYSYNC_SDK_VISIBLE TransportListener {
public:
    virtual ~TransportListener() = default;

    // A payload arrived from the authenticated peer `from`. Called on a transport thread,
    // possibly concurrently (also for one peer, over two connections); delivery is at least
    // once, and core ignores duplicates. Must not throw.
    //   ok     the message is taken (stored, or judged and dropped): acknowledge it;
    //   other  it could not be taken now (e.g. the disk failed): do NOT acknowledge it, so that
    //          the sender keeps it and tries again.
    virtual Status onMessage(const PeerIdentity& from, const std::string& payload) = 0;

    // A peer became reachable (true) or unreachable (false); core then retries its outbox.
    // Called on a transport thread, in order per account; it may call send().
    virtual void onReachabilityChanged(const std::string& /*account*/, bool /*reachable*/) {}
};

// What a transport knows of a peer. A transport over connections it keeps (direct TLS) knows
// `reachable` or `unreachable` at any time. One that learns it only by trying (SIP through a
// proxy: a MESSAGE either gets a 2xx or fails) answers `unknown` until a send told it; core
// then sends and waits for an answer as for a reachable peer, within its deadlines.
enum class Reachability { reachable, unreachable, unknown };

class RELAYSYNC_SDK_VISIBLE Transport {
public:
    virtual ~Transport() = default;

    // Starts carrying messages for `own_account`, delivering what arrives to `listener`,
    // which outlives the transport. ok, or why it cannot start (bad address, bad certificate).
    virtual Status start(const std::string& own_account, TransportListener& listener) = 0;

    // Delivers one payload to `to`. Core deletes the message from its persistent outbox when
    // this returns ok, so ok promises that the peer stored it: the receiver's onMessage returned
    // ok, which core answers only once the message is in its database. A transport must not
    // return ok on mere hand-over to a socket or a proxy. May block until then, up to the
    // transport's timeouts; core never calls it holding a lock that onMessage needs.
    //   ok                delivered and stored by the peer;
    //   unreachable       not delivered now (no connection, no answer in time; it may still
    //                     arrive, which is why delivery is at least once): core keeps it and
    //                     retries;
    //   invalid_argument  larger than maxPayloadBytes(): core never sends such a message;
    //   other codes       the message can never be delivered as it is (unknown account).
    // Thread-safe. One caller's messages to one peer arrive in the order sent.
    virtual Status send(const std::string& to, const std::string& payload) = 0;

    // The largest payload send() carries, in bytes; constant once constructed. Core splits
    // what it sends to stay within it (and within its own limits.max_payload_bytes).
    virtual std::size_t maxPayloadBytes() const = 0;

    // What the transport knows now of whether `account` can be reached. Thread-safe.
    virtual Reachability reachability(const std::string& account) const = 0;

    // Stops all delivery; no listener call happens after it returns. Not to be called from a
    // listener callback.
    virtual void stop() = 0;

    // Optional interfaces added after 2.0 (see docs/sdk-abi.md); none in 2.0.
    virtual void* extension(const char* /*name*/) { return nullptr; }
};

}  // namespace relaysync::sdk
