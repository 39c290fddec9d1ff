#pragma once
// Where peers come in. One thread accepts connections on the listen socket and takes every one
// through TLS and HELLO without a thread of its own (PendingHandshake), each within
// connect_timeout_ms, at most max_handshakes at once and max_handshakes_per_address from one
// address. When a cap is full, a newcomer is not refused: the pending connection that has made
// the least progress is dropped for it (nothing received, then TLS under way, then waiting for
// HELLO; for the total cap, from the address holding the most; the oldest first). Idle or
// dribbling sockets therefore cannot keep a real peer out: it finishes TLS in a few round trips
// and is past them by then. Peers that prove their account go to the transport.

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <Poco/Logger.h>
#include <Poco/Net/ServerSocket.h>

#include "close_reason.h"
#include "connection_settings.h"
#include "descriptor_limits.h"
#include "log_limiter.h"
#include "pending_handshake.h"

struct sockaddr_storage;

namespace relaysync::transport_direct {

using plugin_common::LogLimiter;

class AcceptorEvents {
public:
    virtual ~AcceptorEvents() = default;
    // A peer proved its account; the transport keeps it or closes it. On the acceptor's thread.
    virtual void onProven(ProvenPeer peer) = 0;
};

class Acceptor {
public:
    struct Limits {
        std::size_t max_handshakes = 0;
        std::size_t max_handshakes_per_address = 0;
    };
    struct Stats {
        std::size_t accepted = 0;
        std::size_t peak_pending = 0;  // the most pending at once
        std::size_t dropped = 0;       // for a newcomer, a cap being full
        std::size_t overdue = 0;       // past connect_timeout_ms
        std::size_t shed = 0;          // closed at once: out of file descriptors
    };

    // `server` is bound and listening; `listen` names it in the log.
    Acceptor(std::unique_ptr<Poco::Net::ServerSocket> server, std::string listen, ConnectionSettings settings,
             Limits limits, AcceptorEvents& events, Poco::Logger& log, LogLimiter& limiter);
    ~Acceptor();
    Acceptor(const Acceptor&) = delete;
    Acceptor& operator=(const Acceptor&) = delete;

    void start();
    // Closes every pending connection and the listen socket; returns when the thread has ended.
    void stop();
    Stats stats() const;

private:
    using Clock = std::chrono::steady_clock;

    void run();
    void acceptWaiting();
    enum class Shed { one, none_waiting, failed };
    Shed shed(int error);
    void admit(int fd, const sockaddr_storage& address, unsigned length);
    // Drops a pending connection when `source` or all are at their cap.
    void makeRoomFor(const std::string& source);
    void drop(std::size_t index, const std::string& cap);
    // The index of the pending connection to drop first, from `source` only when it is not empty.
    std::size_t weakest(const std::string& source) const;
    void step(std::size_t index);
    void expireOverdue(Clock::time_point now);
    void end(std::size_t index, const CloseReason& reason);
    void forget(std::size_t index);

    std::unique_ptr<Poco::Net::ServerSocket> server_;
    const int listen_fd_;
    const std::string listen_;
    const ConnectionSettings settings_;  // pending handshakes refer to it
    const Limits limits_;
    AcceptorEvents& events_;
    Poco::Logger& log_;
    LogLimiter& limiter_;

    // The acceptor's thread only.
    std::vector<std::unique_ptr<PendingHandshake>> pending_;  // null: ended, swept at the next turn
    std::map<std::string, std::size_t> pending_per_source_;
    std::size_t live_ = 0;
    Clock::time_point accept_paused_until_{};
    SpareDescriptor spare_;

    mutable std::mutex stats_mutex_;
    Stats stats_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace relaysync::transport_direct
