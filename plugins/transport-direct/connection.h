#pragma once
// One established connection with one peer, dialed or accepted. It owns three threads, so the
// transport caps how many there are (max_connections, one per listed peer for dialed ones):
//   reader     when dialing: connects, does the TLS handshake and the HELLO exchange (an
//              accepted connection arrives with these done, by the Acceptor); then reads
//              frames: ACKs wake senders, MESSAGEs go to the deliverer;
//   writer     writes queued frames, and a PING when nothing was written for keepalive_ms;
//   deliverer  hands payloads to the transport in arrival order, then queues their ACK.
// Only the reader and the writer touch the socket, never at the same time (wire_mutex_), and
// neither ever waits for the other, so two peers sending large frames at each other cannot
// deadlock. A slow listener holds up only its own deliveries: ACKs keep being read meanwhile.
// A MESSAGE is stored only once the transport's FrameBudget has room for all of it.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <Poco/Net/StreamSocket.h>

#include "close_reason.h"
#include "connection_settings.h"
#include "direct_config.h"
#include "frame.h"
#include "frame_budget.h"
#include "relaysync/sdk/status.h"
#include "wire.h"

namespace relaysync::transport_direct {

class Connection;

// What a connection tells its transport. Called on the connection's own threads, never with the
// connection's lock held.
class ConnectionEvents {
public:
    virtual ~ConnectionEvents() = default;
    // A dialed peer proved its account (certificate and HELLO agree). false: refuse it
    // (stopping). Accepted connections are established by the transport itself.
    virtual bool onEstablished(const std::shared_ptr<Connection>& connection) = 0;
    // A MESSAGE payload from the established peer; its ACK is sent when this returns.
    // False: the message was not taken; it is not acknowledged and the connection closes.
    virtual bool onMessage(const Connection& connection, const std::string& payload) = 0;
    // The connection is over; called once, last, from the reader thread.
    virtual void onClosed(const std::shared_ptr<Connection>& connection, const CloseReason& reason) = 0;
    // A MESSAGE of `frame_bytes` has to wait: the frames held by all connections fill
    // max_buffered_bytes.
    virtual void onBufferFull(const Connection& connection, std::size_t frame_bytes) = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
    // Dials `account` at `address`.
    Connection(ConnectionEvents& events, ConnectionSettings settings, std::string account, HostPort address);
    // Serves an accepted connection whose peer has proven its account: established at once.
    Connection(ConnectionEvents& events, ConnectionSettings settings, ProvenPeer peer);
    ~Connection();

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void start();
    // Asks every thread to finish; returns at once.
    void close(CloseReason::Kind kind, const std::string& text);
    // Waits for the reader thread, which waits for the others. Once, after start().
    void join();
    // The reader thread is done (onClosed has returned): join() will not wait.
    bool finished() const noexcept { return finished_.load(); }

    // Sends one payload and waits until the peer acknowledges it: ok, or unreachable when the
    // connection closes or `timeout` passes first.
    sdk::Status send(const std::string& payload, std::chrono::milliseconds timeout);

    bool outbound() const noexcept { return outbound_; }
    bool established() const;
    // The peer's account: the one dialed, or (inbound) the one proven at HELLO; empty before.
    std::string account() const;
    // What the peer proved: its certificate's account and role (plaintext: the HELLO's account,
    // role unknown). Complete once established.
    sdk::PeerIdentity identity() const;
    // "relay-server2@net at 127.0.0.1:7443 (dialed)", for logs.
    std::string describe() const;

private:
    struct Outgoing {
        FrameType type = FrameType::ping;
        std::uint64_t seq = 0;  // of a MESSAGE
        std::string frame;
    };
    struct Delivery {
        std::uint64_t seq = 0;
        std::string payload;
        FrameBudget::Room room;  // given back once the listener has taken it
    };

    void runReader();
    void runWriter();
    void runDeliverer();
    void dial();
    void handshake();
    void readFrames();
    void startWriting();
    FrameBudget::Room roomFor(std::size_t frame_bytes);
    void handleFrame(FrameType type, std::string body, FrameBudget::Room room);
    void acceptHello(const std::string& account);
    void waitForRoomToRead();
    void writeAll(const std::string& frame);
    void queueControlLocked(FrameType type, std::string frame);
    void checkStillOpen() const;
    std::string describeLocked() const;
    int fd() const;

    ConnectionEvents& events_;
    const ConnectionSettings settings_;
    const bool outbound_;
    const std::optional<HostPort> dial_address_;
    const std::chrono::steady_clock::time_point created_;

    Poco::Net::StreamSocket socket_;
    std::unique_ptr<Wire> wire_;
    std::mutex wire_mutex_;
    sdk::PeerIdentity certificate_identity_;  // reader thread only

    mutable std::mutex mutex_;
    std::condition_variable writer_wake_;
    std::condition_variable ack_wake_;
    std::condition_variable delivery_wake_;
    std::condition_variable reader_wake_;
    int fd_ = -1;
    std::string account_;
    sdk::PeerIdentity identity_;
    std::string peer_address_;
    bool established_ = false;
    bool closing_ = false;
    CloseReason close_reason_;
    std::deque<Outgoing> outgoing_;
    std::size_t queued_control_frames_ = 0;
    bool pong_queued_ = false;
    std::map<std::uint64_t, bool> awaiting_ack_;  // seq -> acknowledged
    std::uint64_t next_seq_ = 0;
    std::deque<Delivery> deliveries_;
    std::size_t delivery_bytes_ = 0;

    std::thread reader_;
    std::thread writer_;
    std::thread deliverer_;
    std::atomic<bool> finished_{false};
};

}  // namespace relaysync::transport_direct
