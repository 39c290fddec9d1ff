#pragma once
// What every connection of a transport shares, and what an accepted connection brings along
// once its peer has proven its account (PendingHandshake hands it to a Connection).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <Poco/Net/Context.h>
#include <Poco/Net/StreamSocket.h>

#include "job_pool.h"
#include "frame_budget.h"
#include "io_loop.h"
#include "relaysync/sdk/transport.h"
#include "wire.h"

namespace relaysync::transport_direct {

struct ConnectionSettings {
    // This node as its certificate says (role unknown in plaintext mode): who may connect
    // depends on it (checkRoles).
    sdk::PeerIdentity self;
    std::size_t max_frame_bytes = 0;
    std::chrono::milliseconds connect_timeout{};
    std::chrono::milliseconds keepalive{};
    std::chrono::milliseconds frame_timeout{};  // for a frame, from its first byte to its last
    Poco::Net::Context::Ptr tls;          // null: plaintext
    std::shared_ptr<FrameBudget> budget;  // max_buffered_bytes, shared by all connections
    IoLoop* io = nullptr;                 // drives every established connection's socket
    plugin_common::JobPool* delivery = nullptr;     // runs the listener's onMessage (delivery_threads)
};

// An accepted connection whose peer has finished TLS and HELLO, and been sent our HELLO.
struct ProvenPeer {
    Poco::Net::StreamSocket socket;  // non-blocking
    std::unique_ptr<Wire> wire;
    sdk::PeerIdentity identity;  // its certificate's account and role (plaintext: HELLO's account)
    std::shared_ptr<X509> certificate;  // that certificate (null in plaintext mode)
    std::string address;         // "host:port" it connected from
};

}  // namespace relaysync::transport_direct
