#pragma once
// The "direct" transport: relays and terminals connect to each other over TCP with mutual TLS,
// without a SIP server in between. It owns
//   - the acceptor (optional): accepts connections and takes them through TLS and HELLO on one
//     thread, within max_handshakes and max_handshakes_per_address;
//   - the supervisor: dials the listed peers (resolving their addresses, which may wait for
//     DNS), keeps them connected with exponential backoff, forgets connections that have ended,
//     and sums up suppressed log lines;
//   - the I/O thread (IoLoop): every connection's socket work, without blocking;
//   - the delivery pool (delivery_threads): hands received messages to the listener;
//   - the peer table: which connections are established for which account; accepted ones
//     within max_connections and max_connections_per_account (the newest replaces the oldest);
//   - the frame budget (max_buffered_bytes) all connections take room for frames from;
//   - the notifier: reports reachability changes to the listener in order.
// send() uses an established connection to the account, whichever side dialed it.
//
// Threads: acceptor, supervisor, notifier, the I/O thread and delivery_threads, however many
// connections there are: 4 + delivery_threads.

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <Poco/Logger.h>

#include "acceptor.h"
#include "connection.h"
#include "job_pool.h"
#include "direct_config.h"
#include "frame_budget.h"
#include "io_loop.h"
#include "log_limiter.h"
#include "reachability_notifier.h"
#include "relaysync/sdk/plugin_config.h"
#include "relaysync/sdk/transport.h"
#include "tls_context.h"

namespace relaysync::transport_direct {

using plugin_common::LogLimiter;

class DirectTransport final : public sdk::Transport, private ConnectionEvents, private AcceptorEvents {
public:
    // Throws std::invalid_argument naming the config key at fault.
    explicit DirectTransport(const sdk::PluginConfig& config);
    ~DirectTransport() override;

    // Once per instance. Fails when own_account is not the account of the certificate, or the
    // listen address cannot be bound (the status says why).
    sdk::Status start(const std::string& own_account, sdk::TransportListener& listener) override;
    // ok only once the peer acknowledged the payload, which it does after its listener's
    // onMessage returned. unreachable: no connection could be had, the connection closed, or
    // no ACK within ack_timeout_ms (the peer may still have received it). invalid_argument: the
    // payload does not fit in max_frame_bytes.
    sdk::Status send(const std::string& to, const std::string& payload) override;
    // reachable: a connection is established; unreachable: anyone else, listed peers included
    // while not connected (they are being dialed; a change is reported when they connect).
    sdk::Reachability reachability(const std::string& account) const override;
    // What a MESSAGE frame of max_frame_bytes holds after its type and sequence number.
    std::size_t maxPayloadBytes() const override { return config_.max_frame_bytes - messageFrameLength(0); }
    void stop() override;

private:
    using Clock = std::chrono::steady_clock;

    struct Peer {
        PeerEntry entry;
        std::shared_ptr<Connection> outbound;  // being dialed, or established
        Clock::time_point next_attempt{};
        std::chrono::milliseconds backoff{};
        bool failing = false;  // the last dial failed; repeats are logged quietly
        std::string last_failure;
    };
    enum class State { created, running, stopped };

    bool onEstablished(const std::shared_ptr<Connection>& connection) override;
    bool onMessage(const Connection& connection, const std::string& payload) override;
    void onClosed(const std::shared_ptr<Connection>& connection, const CloseReason& reason) override;
    void onBufferFull(const Connection& connection, std::size_t frame_bytes) override;
    void onProven(ProvenPeer peer) override;

    ConnectionEvents& events() { return *this; }
    void fitLimitsToDescriptors();
    sdk::Status listen();
    void superviseLoop();
    void dialLocked(Peer& peer);
    std::shared_ptr<Connection> connectionToLocked(const std::string& account) const;
    ConnectionSettings settings(bool outbound);
    // With a `crl`: why the connection's peer must go now ("its certificate CN=... is revoked"),
    // or nothing.
    std::optional<std::string> revokedNow(const Connection& connection) const;
    // After the revocation list changed: closes the connections of peers it now names.
    void cutOffRevoked();
    void logStart() const;
    void logPeaks() const;

    const DirectConfig config_;
    const std::optional<TlsContexts> tls_;
    Poco::Logger& log_;
    LogLimiter limiter_;
    const std::shared_ptr<FrameBudget> budget_;
    // config_'s, lowered at start when they do not fit in the open-file limit.
    std::size_t max_handshakes_ = 0;
    std::size_t max_connections_ = 0;

    // Declared before anything holding connections: they go last.
    IoLoop io_;
    plugin_common::JobPool delivery_;

    std::mutex stop_mutex_;  // one stop() at a time, so each returns only when all is stopped
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    State state_ = State::created;
    std::string own_account_;
    sdk::TransportListener* listener_ = nullptr;
    std::map<std::string, Peer> peers_;
    std::map<std::string, std::vector<std::shared_ptr<Connection>>> established_;  // oldest first
    std::size_t inbound_established_ = 0;  // accepted ones in established_
    std::size_t peak_inbound_established_ = 0;
    std::vector<std::shared_ptr<Connection>> connections_;  // all not yet over
    std::vector<std::shared_ptr<Connection>> to_dial_;      // made, for the supervisor to start
    std::unique_ptr<Acceptor> acceptor_;
    std::thread supervisor_;
    std::uint64_t swept_generation_ = 0;  // the revocation list the supervisor last checked peers against
    ReachabilityNotifier notifier_;
};

}  // namespace relaysync::transport_direct
