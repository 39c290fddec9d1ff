#include "connection.h"

#include "descriptor_limits.h"
#include "log_text.h"
#include "peer_checks.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>
#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>

namespace relaysync::transport_direct {

using plugin_common::loggable;

namespace {

using std::chrono::milliseconds;

constexpr std::size_t kReadChunk = 64 * 1024;
// Reads of one connection per turn of the I/O thread, so that a fast peer cannot starve the
// others; the rest is read on the next turn.
constexpr int kReadsPerTurn = 4;
// Beyond these, the connection stops reading until its deliveries or its writing catch up. An
// honest peer never gets near them: each of its senders waits for one ACK at a time.
constexpr std::size_t kMaxPendingDeliveries = 256;
constexpr std::size_t kMaxQueuedControlFrames = 1024;

// Thrown on the I/O thread once close() was called: the reason is already recorded.
struct Closing {};

std::string millis(milliseconds duration) { return std::to_string(duration.count()) + " ms"; }

}  // namespace

Connection::Connection(ConnectionEvents& events, ConnectionSettings settings, std::string account, HostPort address)
    : events_(events),
      settings_(std::move(settings)),
      outbound_(true),
      dial_address_(std::move(address)),
      created_(Clock::now()),
      frames_(settings_.max_frame_bytes),
      account_(std::move(account)),
      peer_address_(dial_address_->text()) {}

Connection::Connection(ConnectionEvents& events, ConnectionSettings settings, ProvenPeer peer)
    : events_(events),
      settings_(std::move(settings)),
      outbound_(false),
      created_(Clock::now()),
      socket_(std::move(peer.socket)),
      wire_(std::move(peer.wire)),
      io_fd_(socket_.impl()->sockfd()),
      frames_(settings_.max_frame_bytes),
      last_received_(created_),
      last_written_(created_),  // the Acceptor has just written our HELLO
      fd_(io_fd_),
      account_(peer.identity.account),
      identity_(std::move(peer.identity)),
      peer_certificate_(std::move(peer.certificate)),
      peer_address_(std::move(peer.address)),
      established_(true) {}

Connection::~Connection() = default;

void Connection::start() {
    {
        std::lock_guard lock(mutex_);
        if (started_ || closing_) return;
        started_ = true;
        io_active_ = true;
    }
    if (outbound_) {
        try {
            socket_.connectNB(Poco::Net::SocketAddress(dial_address_->host, dial_address_->port));
            io_fd_ = socket_.impl()->sockfd();
            std::lock_guard lock(mutex_);
            fd_ = io_fd_;
            if (closing_) ::shutdown(fd_, SHUT_RDWR);
        } catch (const Poco::Exception& e) {
            dial_failure_ = outOfDescriptors(e.code()) ? describeDescriptorShortage(e.code()) : e.displayText();
        }
    }
    // From here on only the I/O thread touches the socket.
    settings_.io->post([self = shared_from_this()] { self->attach(); });
}

void Connection::close(CloseReason::Kind kind, const std::string& text) {
    bool over = false;
    bool started = false;
    {
        std::lock_guard lock(mutex_);
        if (closing_) return;
        closing_ = true;
        close_reason_ = {kind, text};
        // Under the lock: tearDown clears fd_ under it before the descriptor is closed, so the
        // number can never belong to another socket by now.
        if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
        started = started_;
        over = overLocked();
    }
    ack_wake_.notify_all();
    if (over)
        finish();
    else if (started)
        wake();
}

void Connection::join() {
    std::unique_lock lock(mutex_);
    finished_wake_.wait(lock, [this] { return finished_; });
}

bool Connection::finished() const {
    std::lock_guard lock(mutex_);
    return finished_;
}

bool Connection::established() const {
    std::lock_guard lock(mutex_);
    return established_;
}

std::string Connection::account() const {
    std::lock_guard lock(mutex_);
    return account_;
}

sdk::PeerIdentity Connection::identity() const {
    std::lock_guard lock(mutex_);
    return identity_;
}

std::shared_ptr<X509> Connection::peerCertificate() const {
    std::lock_guard lock(mutex_);
    return peer_certificate_;
}

std::string Connection::describe() const {
    std::lock_guard lock(mutex_);
    return describeLocked();
}

std::string Connection::describeLocked() const {
    if (outbound_) return account_ + " at " + peer_address_ + " (dialed)";
    return loggable(account_) + " from " + peer_address_;
}

sdk::Status Connection::send(const std::string& payload, milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::unique_lock lock(mutex_);
    if (closing_ || !established_) return sdk::Status::unreachable("the connection to " + describeLocked() + " is closed");
    const std::uint64_t seq = ++next_seq_;
    awaiting_ack_[seq] = false;
    outgoing_.push_back({FrameType::message, seq, encodeMessage(seq, payload)});
    wake();
    ack_wake_.wait_until(lock, deadline, [&] { return closing_ || awaiting_ack_.at(seq); });
    const bool acknowledged = awaiting_ack_.at(seq);
    awaiting_ack_.erase(seq);
    if (acknowledged) return sdk::Status::ok();
    // Not written yet: take it back, so that retries to a stuck peer do not pile up copies.
    std::erase_if(outgoing_, [seq](const Outgoing& item) { return item.seq == seq; });
    if (closing_)
        return sdk::Status::unreachable("the connection to " + describeLocked() +
                                        " closed before the message was acknowledged: " + close_reason_.text);
    return sdk::Status::unreachable(describeLocked() + " did not acknowledge the message within ack_timeout_ms (" +
                                    millis(timeout) + ")");
}

void Connection::wake() {
    if (wake_posted_.exchange(true)) return;  // one pending turn serves every wake before it
    settings_.io->post([self = shared_from_this()] {
        self->wake_posted_ = false;
        self->service();
    });
}

void Connection::onReady(std::uint32_t events) {
    if (events & (EPOLLERR | EPOLLHUP)) {
        hung_up_ = true;
        read_wait_ = Io::done;
        write_wait_ = Io::done;
    }
    if (events & EPOLLIN) {
        if (read_wait_ == Io::want_read) read_wait_ = Io::done;
        if (write_wait_ == Io::want_read) write_wait_ = Io::done;
    }
    if (events & EPOLLOUT) {
        if (read_wait_ == Io::want_write) read_wait_ = Io::done;
        if (write_wait_ == Io::want_write) write_wait_ = Io::done;
    }
    service();
}

void Connection::onTimer() {
    timer_armed_ = Clock::time_point::max();
    service();
}

void Connection::attach() {
    if (outbound_) {
        phase_ = Phase::connecting;
        write_wait_ = Io::want_write;  // writable once connected (or failed)
    } else {
        phase_ = Phase::frames;
    }
    buffer_.resize(kReadChunk);
    service();
}

// Everything the connection has to do now, as far as it can go without blocking; then it
// watches for what it waits for. Every failure ends here: the connection closes.
void Connection::service() {
    if (phase_ == Phase::created || phase_ == Phase::over) return;  // not attached yet, or over
    try {
        {
            std::lock_guard lock(mutex_);
            if (closing_) throw Closing{};
        }
        if (!dial_failure_.empty()) throw DialFailure(dial_failure_);
        checkDeadlines(Clock::now());
        if (phase_ == Phase::connecting && write_wait_ == Io::done) finishConnect();
        if (phase_ == Phase::tls && read_wait_ == Io::done) advanceHandshake();
        if (phase_ == Phase::frames) {
            writeSome();
            readSome();
            writeSome();  // PONGs the reading queued
            if (hung_up_) {
                const int error = socket_.impl()->socketError();
                throw std::runtime_error(error != 0 ? std::strerror(error) : "the peer closed the connection");
            }
        }
        watchWhatIsNeeded();
        armTimer();
        // Reading stopped for a reason of this side that is gone now (e.g. control frames
        // written meanwhile), or after kReadsPerTurn: go on next turn.
        if (phase_ == Phase::frames && read_wait_ == Io::done && !waiting_for_room_ && mayRead()) wake();
    } catch (const Closing&) {
        tearDown();
    } catch (...) {
        const CloseReason reason = closeReasonOf(std::current_exception());
        close(reason.kind, reason.text);  // the first reason recorded wins
        tearDown();
    }
}

void Connection::checkDeadlines(Clock::time_point now) {
    if (phase_ != Phase::frames || !established()) {
        if (now >= created_ + settings_.connect_timeout) {
            const std::string within = " within connect_timeout_ms (" + millis(settings_.connect_timeout) + ")";
            if (phase_ == Phase::connecting) throw DialFailure("no answer" + within);
            if (phase_ == Phase::tls) throw Refusal("no TLS handshake" + within);
            throw Refusal("no HELLO" + within);
        }
    } else if (!paused_since_ && now - last_received_ >= 3 * settings_.keepalive) {
        throw std::runtime_error("nothing received for " + millis(3 * settings_.keepalive) +
                                 " (3 x keepalive_ms); closing it");
    }
    if (phase_ != Phase::frames) return;
    if (frames_.started() && !paused_since_ && now - frame_started_ >= settings_.frame_timeout)
        throw Refusal(frameTimeoutText());
    if (written_ == writing_.size() && now - last_written_ >= settings_.keepalive) {
        std::lock_guard lock(mutex_);
        if (outgoing_.empty()) queueControlLocked(FrameType::ping, encodeFrame(FrameType::ping, {}));
    }
}

std::string Connection::frameTimeoutText() const {
    const std::string limit = "frame_timeout_ms (" + millis(settings_.frame_timeout) + ")";
    if (!frames_.headerComplete()) return "a frame's 5-byte header did not arrive within " + limit;
    const std::size_t total = kLengthBytes + frames_.length();
    return "a frame of " + std::to_string(total) + " bytes did not arrive within " + limit + ": " +
           std::to_string(total - frames_.missing()) + " bytes of it came";
}

void Connection::finishConnect() {
    if (const int error = socket_.impl()->socketError(); error != 0) throw DialFailure(std::strerror(error));
    socket_.setNoDelay(true);  // ACKs are tiny and a sender waits for each one
    wire_ = settings_.tls ? makeTlsWire(settings_.tls->sslContext(), io_fd_, false) : makePlainWire(io_fd_);
    phase_ = Phase::tls;
    read_wait_ = Io::done;  // in this phase: what the handshake waits for
    write_wait_ = Io::done;
}

void Connection::advanceHandshake() {
    const Io io = wire_->handshake();
    if (io != Io::done) {
        read_wait_ = io;
        return;
    }
    if (settings_.tls) {
        try {
            certificate_identity_ = wire_->certificateIdentity();
        } catch (const std::runtime_error& e) {
            throw Refusal(e.what());
        }
        {
            std::lock_guard lock(mutex_);
            peer_certificate_ = wire_->peerCertificate();
        }
        checkRoles(settings_.self, certificate_identity_);
        if (certificate_identity_.account != account())
            throw Refusal("dialed " + account() + " but its certificate is for " + loggable(certificate_identity_.account));
    }
    {
        std::lock_guard lock(mutex_);
        queueControlLocked(FrameType::hello, encodeHello(settings_.self.account));
    }
    phase_ = Phase::frames;
    last_received_ = last_written_ = Clock::now();
}

bool Connection::mayRead() const {
    std::lock_guard lock(mutex_);
    return deliveries_.size() < kMaxPendingDeliveries && delivery_bytes_ < 4 * settings_.max_frame_bytes &&
           queued_control_frames_ < kMaxQueuedControlFrames;
}

void Connection::readSome() {
    for (int reads = 0;; ++reads) {
        if (!consumeBuffered()) return;  // waits for room in the budget
        if (read_wait_ != Io::done || reads == kReadsPerTurn) return;
        const auto now = Clock::now();
        if (!mayRead()) {
            pauseReading(now);
            return;
        }
        resumeReading(now);
        std::size_t got = 0;
        const Io io = wire_->read(buffer_.data(), buffer_.size(), got);
        if (io == Io::closed)
            throw std::runtime_error(established() ? "the peer closed the connection"
                                                   : "the peer closed the connection before HELLO");
        if (io != Io::done) {
            read_wait_ = io;
            return;
        }
        last_received_ = now;
        buffered_ = 0;
        buffer_end_ = got;
    }
}

// Feeds what was read to the frame reader, frame by frame: false when a MESSAGE must wait for
// room, with the rest kept for later.
bool Connection::consumeBuffered() {
    for (;;) {
        // The header is in and checked; nothing of the body is stored before this.
        if (frames_.headerComplete() && frames_.type() == FrameType::message && !room_ && !takeRoom()) return false;
        if (auto frame = frames_.take()) {
            handleFrame(frame->type, std::move(frame->body), std::move(room_));
            continue;
        }
        if (buffered_ == buffer_end_) return true;
        if (!frames_.started()) frame_started_ = Clock::now();
        buffered_ += frames_.feed(buffer_.data() + buffered_, buffer_end_ - buffered_);
    }
}

bool Connection::takeRoom() {
    room_ = settings_.budget->tryTake(frames_.length(), [weak = weak_from_this()] {
        if (const auto self = weak.lock()) self->wake();
    });
    const auto now = Clock::now();
    if (!room_) {
        if (!waiting_for_room_) events_.onBufferFull(*this, frames_.length());
        waiting_for_room_ = true;
        pauseReading(now);
        return false;
    }
    waiting_for_room_ = false;
    resumeReading(now);
    return true;
}

void Connection::pauseReading(Clock::time_point now) {
    if (!paused_since_) paused_since_ = now;
}

void Connection::resumeReading(Clock::time_point now) {
    if (!paused_since_) return;
    const auto paused = now - *paused_since_;
    last_received_ += paused;
    frame_started_ += paused;
    paused_since_.reset();
}

void Connection::handleFrame(FrameType type, std::string body, FrameBudget::Room room) {
    const bool hello_done = established();  // only this thread sets it
    if (type == FrameType::hello) {
        if (hello_done) throw FrameError("a second HELLO");
        acceptHello(decodeHello(body));
        return;
    }
    if (!hello_done) throw FrameError(std::string(toString(type)) + " before HELLO");
    switch (type) {
    case FrameType::message: {
        std::string_view payload;
        const std::uint64_t seq = decodeMessage(body, payload);
        body.erase(0, kSeqBytes);  // the payload, in place: no second copy of a large frame
        std::lock_guard lock(mutex_);
        delivery_bytes_ += body.size();
        deliveries_.push_back({seq, std::move(body), std::move(room)});
        scheduleDeliveryLocked();
        return;
    }
    case FrameType::ack: {
        const std::uint64_t seq = decodeAck(body);
        std::lock_guard lock(mutex_);
        // An ACK nobody waits for any more belongs to a send that timed out: harmless.
        if (auto waiting = awaiting_ack_.find(seq); waiting != awaiting_ack_.end()) {
            waiting->second = true;
            ack_wake_.notify_all();
        }
        return;
    }
    case FrameType::ping: {
        decodeEmpty(type, body);
        std::lock_guard lock(mutex_);
        if (!pong_queued_) queueControlLocked(FrameType::pong, encodeFrame(FrameType::pong, {}));
        return;
    }
    case FrameType::pong: decodeEmpty(type, body); return;
    case FrameType::hello: return;  // handled above
    }
}

void Connection::acceptHello(const std::string& account) {
    checkHello(settings_.self.account, account, certificate_identity_, this->account());
    {
        std::lock_guard lock(mutex_);
        account_ = account;
        identity_ = settings_.tls ? certificate_identity_ : sdk::PeerIdentity{account, sdk::PeerRole::unknown, {}};
        established_ = true;
    }
    last_received_ = Clock::now();
    if (!events_.onEstablished(shared_from_this())) {
        close(CloseReason::Kind::stopped, "the transport is stopping");
        throw Closing{};
    }
}

void Connection::writeSome() {
    while (write_wait_ == Io::done) {
        if (written_ == writing_.size() && !takeNextFrame()) return;
        std::size_t put = 0;
        const Io io = wire_->write(writing_.data() + written_, writing_.size() - written_, put);
        if (io == Io::closed) throw std::runtime_error("the peer closed the connection");
        if (io != Io::done) {
            write_wait_ = io;
            return;
        }
        written_ += put;
        last_written_ = Clock::now();
    }
}

bool Connection::takeNextFrame() {
    std::lock_guard lock(mutex_);
    if (outgoing_.empty()) {
        writing_ = std::string();  // a large frame's memory goes back now
        written_ = 0;
        return false;
    }
    Outgoing& next = outgoing_.front();
    if (next.type != FrameType::message) --queued_control_frames_;
    if (next.type == FrameType::pong) pong_queued_ = false;
    writing_ = std::move(next.frame);
    written_ = 0;
    outgoing_.pop_front();
    return true;
}

void Connection::queueControlLocked(FrameType type, std::string frame) {
    outgoing_.push_back({type, 0, std::move(frame)});
    ++queued_control_frames_;
    if (type == FrameType::pong) pong_queued_ = true;
}

// Readable only while reading (or the handshake, or a TLS write) waits for it: a connection that
// stops reading lets its peer's TCP window fill. Writable only while something waits to be
// written (or a TLS read waits for it).
void Connection::watchWhatIsNeeded() {
    std::uint32_t wanted = 0;
    if (read_wait_ == Io::want_read || write_wait_ == Io::want_read) wanted |= EPOLLIN;
    if (read_wait_ == Io::want_write || write_wait_ == Io::want_write) wanted |= EPOLLOUT;
    if (!watching_) {
        settings_.io->watch(io_fd_, wanted, shared_from_this());
        watching_ = true;
    } else if (wanted != watched_events_) {
        settings_.io->rearm(io_fd_, wanted);
    }
    watched_events_ = wanted;
}

// Asks the I/O thread to come back at the earliest deadline; a later one is looked at then.
void Connection::armTimer() {
    auto next = Clock::time_point::max();
    if (phase_ != Phase::frames || !established())
        next = created_ + settings_.connect_timeout;
    else if (!paused_since_)
        next = last_received_ + 3 * settings_.keepalive;
    if (phase_ == Phase::frames) {
        if (written_ == writing_.size()) next = std::min(next, last_written_ + settings_.keepalive);
        if (frames_.started() && !paused_since_) next = std::min(next, frame_started_ + settings_.frame_timeout);
    }
    if (next >= timer_armed_) return;
    timer_armed_ = next;
    settings_.io->wakeAt(shared_from_this(), next);
}

void Connection::tearDown() {
    if (phase_ == Phase::over) return;
    phase_ = Phase::over;
    if (watching_) settings_.io->unwatch(io_fd_);
    watching_ = false;
    std::deque<Delivery> dropped;  // never acknowledged, so sent again; their room goes back now
    bool over = false;
    {
        std::lock_guard lock(mutex_);
        fd_ = -1;
        io_active_ = false;
        dropped.swap(deliveries_);
        delivery_bytes_ = 0;
        outgoing_.clear();
        over = overLocked();
    }
    dropped.clear();
    room_.reset();
    frames_ = FrameReader(settings_.max_frame_bytes);
    writing_ = std::string();
    buffer_ = std::vector<char>();
    wire_.reset();
    try {
        socket_.close();
    } catch (...) {
    }
    if (over) finish();
}

void Connection::scheduleDeliveryLocked() {
    if (delivering_) return;
    delivering_ = true;
    settings_.delivery->submit([self = shared_from_this()] { self->deliverNext(); });
}

// One delivery, then back to the end of the pool's queue: connections with many messages
// waiting take turns with the others.
void Connection::deliverNext() {
    std::optional<Delivery> delivery;
    bool over = false;
    {
        std::lock_guard lock(mutex_);
        // Undelivered messages are dropped once closing: they were never acknowledged, so the
        // peer sends them again.
        if (closing_ || deliveries_.empty()) {
            delivering_ = false;
            over = overLocked();
        } else {
            delivery = std::move(deliveries_.front());
            deliveries_.pop_front();
        }
    }
    if (!delivery) {
        if (over) finish();
        return;
    }
    const bool taken = events_.onMessage(*this, delivery->payload);
    delivery->room.reset();
    // Not taken: no acknowledgement; closing makes the sender retry at once instead of waiting
    // out its acknowledgement timeout.
    if (!taken) close(CloseReason::Kind::lost, "this node could not take a message");
    bool more = false;
    {
        std::lock_guard lock(mutex_);
        if (!closing_) {
            delivery_bytes_ -= delivery->payload.size();
            queueControlLocked(FrameType::ack, encodeAck(delivery->seq));
            more = !deliveries_.empty();
        }
        if (more) {
            settings_.delivery->submit([self = shared_from_this()] { self->deliverNext(); });
        } else {
            delivering_ = false;
            over = overLocked();
        }
    }
    if (over)
        finish();
    else
        wake();  // the ACK to write, and reading may go on
}

bool Connection::overLocked() {
    if (over_ || !closing_ || io_active_ || delivering_) return false;
    over_ = true;
    return true;
}

void Connection::finish() {
    CloseReason reason;
    {
        std::lock_guard lock(mutex_);
        reason = close_reason_;
    }
    try {
        events_.onClosed(shared_from_this(), reason);
    } catch (...) {
    }
    {
        std::lock_guard lock(mutex_);
        finished_ = true;
    }
    finished_wake_.notify_all();
}

}  // namespace relaysync::transport_direct
