#pragma once
// One connection with one peer, dialed or accepted. It has no thread of its own:
//   - the transport's I/O thread (IoLoop) does all of its socket work without blocking: for a
//     dialed one the connect, the TLS handshake and the HELLO exchange (an accepted one arrives
//     with these done, by the Acceptor); then it reads frames (ACKs wake senders, MESSAGEs are
//     queued for delivery), writes queued frames, sends a PING after keepalive_ms without
//     writing, and closes the connection when the peer falls silent, misses connect_timeout_ms
//     or takes longer than frame_timeout_ms over one frame;
//   - the transport's delivery pool hands MESSAGE payloads to the transport, one at a time and
//     in arrival order per connection (at most one job of a connection is queued or running),
//     then queues their ACK.
// Reading never waits for writing nor for a delivery, so two peers sending large frames at each
// other cannot deadlock, and a slow listener holds up only its own connection's deliveries
// (and, while it runs, one pool thread): ACKs keep being read meanwhile. A MESSAGE is stored only
// once the transport's FrameBudget has room for all of it; until then the connection does not
// read at all, so its peer's TCP window fills.

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
#include <vector>

#include <Poco/Net/StreamSocket.h>

#include "close_reason.h"
#include "connection_settings.h"
#include "direct_config.h"
#include "frame.h"
#include "frame_budget.h"
#include "io_loop.h"
#include "relaysync/sdk/status.h"
#include "wire.h"

namespace relaysync::transport_direct {

class Connection;

// What a connection tells its transport, never with the connection's lock held.
class ConnectionEvents {
public:
    virtual ~ConnectionEvents() = default;
    // A dialed peer proved its account (certificate and HELLO agree). false: refuse it
    // (stopping). Accepted connections are established by the transport itself. I/O thread.
    virtual bool onEstablished(const std::shared_ptr<Connection>& connection) = 0;
    // A MESSAGE payload from the established peer; its ACK is sent when this returns.
    // False: the message was not taken; it is not acknowledged and the connection closes.
    // A delivery pool thread.
    virtual bool onMessage(const Connection& connection, const std::string& payload) = 0;
    // The connection is over: called once, last, when its socket is closed and no delivery of
    // it runs any more. On the I/O thread, a delivery thread, or the one that closed a connection
    // that never started.
    virtual void onClosed(const std::shared_ptr<Connection>& connection, const CloseReason& reason) = 0;
    // A MESSAGE of `frame_bytes` has to wait: the frames held by all connections fill
    // max_buffered_bytes. I/O thread.
    virtual void onBufferFull(const Connection& connection, std::size_t frame_bytes) = 0;
};

class Connection final : public IoHandler, public std::enable_shared_from_this<Connection> {
public:
    // Dials `account` at `address`.
    Connection(ConnectionEvents& events, ConnectionSettings settings, std::string account, HostPort address);
    // Serves an accepted connection whose peer has proven its account: established at once.
    Connection(ConnectionEvents& events, ConnectionSettings settings, ProvenPeer peer);
    ~Connection() override;

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Hands it to the I/O thread; once. Dialing first resolves the address and starts the
    // connect, which may wait for DNS: the caller's thread (the supervisor's), never the I/O one.
    void start();
    // Asks it to close; returns at once. Any thread.
    void close(CloseReason::Kind kind, const std::string& text);
    // Waits until it is over (onClosed has returned).
    void join();
    bool finished() const;

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
    // The peer's certificate once TLS is done (null before, and in plaintext mode), to check it
    // against a newer revocation list.
    std::shared_ptr<X509> peerCertificate() const;
    // "relay-server2@net at 127.0.0.1:7443 (dialed)", for logs.
    std::string describe() const;

private:
    using Clock = std::chrono::steady_clock;

    // How far the I/O thread has taken it.
    enum class Phase { created, connecting, tls, frames, over };
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

    // IoHandler: the I/O thread.
    void onReady(std::uint32_t events) override;
    void onTimer() override;

    // The I/O thread.
    void attach();
    void service();
    void checkDeadlines(Clock::time_point now);
    std::string frameTimeoutText() const;
    void finishConnect();
    void advanceHandshake();
    void readSome();
    bool consumeBuffered();
    bool takeRoom();
    void pauseReading(Clock::time_point now);
    void resumeReading(Clock::time_point now);
    void handleFrame(FrameType type, std::string body, FrameBudget::Room room);
    void acceptHello(const std::string& account);
    void writeSome();
    bool takeNextFrame();
    void watchWhatIsNeeded();
    void armTimer();
    void tearDown();

    // Any thread.
    void wake();
    bool mayRead() const;
    void queueControlLocked(FrameType type, std::string frame);
    void scheduleDeliveryLocked();
    void deliverNext();  // a delivery pool thread
    // Whether the connection is over now and onClosed is due; true only once.
    bool overLocked();
    void finish();
    std::string describeLocked() const;

    ConnectionEvents& events_;
    const ConnectionSettings settings_;
    const bool outbound_;
    const std::optional<HostPort> dial_address_;
    const Clock::time_point created_;

    // The I/O thread only (and start(), before the I/O thread has it).
    Poco::Net::StreamSocket socket_;  // declared before wire_: outlives it
    std::unique_ptr<Wire> wire_;
    int io_fd_ = -1;
    std::string dial_failure_;
    sdk::PeerIdentity certificate_identity_;
    Phase phase_ = Phase::created;
    // What the socket must become before reading (or the handshake) and writing go on; done:
    // they may go on now.
    Io read_wait_ = Io::done;
    Io write_wait_ = Io::done;
    bool watching_ = false;
    std::uint32_t watched_events_ = 0;
    bool hung_up_ = false;  // epoll said error or hang-up
    FrameReader frames_;
    std::vector<char> buffer_;  // read from the wire, fed to frames_ from buffered_ on
    std::size_t buffered_ = 0;
    std::size_t buffer_end_ = 0;
    FrameBudget::Room room_;  // for the MESSAGE being read
    bool waiting_for_room_ = false;
    // Since when this side does not read (no room in the budget, deliveries or control frames
    // backed up): time the peer is not to blame for, so it does not count against it.
    std::optional<Clock::time_point> paused_since_;
    std::string writing_;  // the frame being written
    std::size_t written_ = 0;
    Clock::time_point last_received_{};
    Clock::time_point last_written_{};
    Clock::time_point frame_started_{};  // of the frame frames_ is reading
    Clock::time_point timer_armed_ = Clock::time_point::max();
    std::atomic<bool> wake_posted_{false};

    mutable std::mutex mutex_;
    std::condition_variable ack_wake_;
    std::condition_variable finished_wake_;
    int fd_ = -1;
    std::string account_;
    sdk::PeerIdentity identity_;
    std::shared_ptr<X509> peer_certificate_;
    std::string peer_address_;
    bool established_ = false;
    bool started_ = false;
    bool io_active_ = false;  // the I/O thread has (or is about to have) the socket
    bool closing_ = false;
    CloseReason close_reason_;
    std::deque<Outgoing> outgoing_;
    std::size_t queued_control_frames_ = 0;
    bool pong_queued_ = false;
    std::map<std::uint64_t, bool> awaiting_ack_;  // seq -> acknowledged
    std::uint64_t next_seq_ = 0;
    std::deque<Delivery> deliveries_;
    std::size_t delivery_bytes_ = 0;  // queued or being delivered
    bool delivering_ = false;         // a job of this connection is queued or running in the pool
    bool over_ = false;               // onClosed is due or done
    bool finished_ = false;           // onClosed has returned
};

}  // namespace relaysync::transport_direct
