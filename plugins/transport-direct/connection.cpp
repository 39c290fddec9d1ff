#include "connection.h"

#include "descriptor_limits.h"
#include "log_text.h"
#include "peer_checks.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>

#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <vector>

namespace relaysync::transport_direct {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often a waiting thread looks again at the socket and at whether it should stop.
constexpr int kPollMs = 100;
constexpr std::size_t kReadChunk = 64 * 1024;
// Beyond these, the reader stops reading until the deliverer or the writer catches up. An
// honest peer never gets near them: each of its senders waits for one ACK at a time.
constexpr std::size_t kMaxPendingDeliveries = 256;
constexpr std::size_t kMaxQueuedControlFrames = 1024;

// Thrown on a thread that notices that close() was called: the reason is already recorded.
struct Closing {};

std::string millis(milliseconds duration) { return std::to_string(duration.count()) + " ms"; }

}  // namespace

Connection::Connection(ConnectionEvents& events, ConnectionSettings settings, std::string account, HostPort address)
    : events_(events),
      settings_(std::move(settings)),
      outbound_(true),
      dial_address_(std::move(address)),
      created_(Clock::now()),
      account_(std::move(account)),
      peer_address_(dial_address_->text()) {}

Connection::Connection(ConnectionEvents& events, ConnectionSettings settings, ProvenPeer peer)
    : events_(events),
      settings_(std::move(settings)),
      outbound_(false),
      created_(Clock::now()),
      socket_(std::move(peer.socket)),
      wire_(std::move(peer.wire)),
      fd_(socket_.impl()->sockfd()),
      account_(peer.identity.account),
      identity_(std::move(peer.identity)),
      peer_address_(std::move(peer.address)),
      established_(true) {}

Connection::~Connection() {
    close(CloseReason::Kind::stopped, "the connection object was destroyed");
    if (reader_.joinable()) {
        if (reader_.get_id() == std::this_thread::get_id())
            reader_.detach();  // only if a transport dropped a connection it never joined
        else
            reader_.join();
    }
}

void Connection::start() { reader_ = std::thread([this] { runReader(); }); }

void Connection::join() {
    if (reader_.joinable()) reader_.join();
}

void Connection::close(CloseReason::Kind kind, const std::string& text) {
    {
        std::lock_guard lock(mutex_);
        if (closing_) return;
        closing_ = true;
        close_reason_ = {kind, text};
        // Under the lock: runReader clears fd_ under it before the descriptor is closed, so the
        // number can never belong to another socket by now.
        if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    }
    writer_wake_.notify_all();
    ack_wake_.notify_all();
    delivery_wake_.notify_all();
    reader_wake_.notify_all();
}

bool Connection::established() const {
    std::lock_guard lock(mutex_);
    return established_;
}

std::string Connection::account() const {
    std::lock_guard lock(mutex_);
    return account_;
}

std::string Connection::describe() const {
    std::lock_guard lock(mutex_);
    return describeLocked();
}

std::string Connection::describeLocked() const {
    if (outbound_) return account_ + " at " + peer_address_ + " (dialed)";
    return loggable(account_) + " from " + peer_address_;
}

int Connection::fd() const {
    std::lock_guard lock(mutex_);
    return fd_;
}

void Connection::checkStillOpen() const {
    std::lock_guard lock(mutex_);
    if (closing_) throw Closing{};
}

sdk::Status Connection::send(const std::string& payload, milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::unique_lock lock(mutex_);
    if (closing_ || !established_) return sdk::Status::unreachable("the connection to " + describeLocked() + " is closed");
    const std::uint64_t seq = ++next_seq_;
    awaiting_ack_[seq] = false;
    outgoing_.push_back({FrameType::message, seq, encodeMessage(seq, payload)});
    writer_wake_.notify_one();
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

void Connection::runReader() {
    blockSigpipeInThisThread();
    CloseReason reason{CloseReason::Kind::lost, "the peer closed the connection"};
    try {
        if (outbound_) {
            dial();
            handshake();
        } else {
            startWriting();
        }
        readFrames();
        if (!established()) reason.text = "the peer closed the connection before HELLO";
    } catch (const Closing&) {
        // close() recorded why
    } catch (...) {
        reason = closeReasonOf(std::current_exception());
    }
    close(reason.kind, reason.text);  // the first reason recorded wins
    if (writer_.joinable()) writer_.join();
    if (deliverer_.joinable()) deliverer_.join();
    CloseReason recorded;
    {
        std::lock_guard lock(mutex_);
        recorded = close_reason_;
        fd_ = -1;
        deliveries_.clear();  // never acknowledged, so sent again; their room goes back now
        delivery_bytes_ = 0;
    }
    {
        std::lock_guard lock(wire_mutex_);
        wire_.reset();
    }
    try {
        socket_.close();
    } catch (...) {
    }
    try {
        events_.onClosed(shared_from_this(), recorded);
    } catch (...) {
    }
    finished_ = true;
}

void Connection::dial() {
    Poco::Net::SocketAddress address;
    try {
        address = Poco::Net::SocketAddress(dial_address_->host, dial_address_->port);
        socket_.connectNB(address);
    } catch (const Poco::Exception& e) {
        if (outOfDescriptors(e.code())) throw DialFailure(describeDescriptorShortage(e.code()));
        throw DialFailure(e.displayText());
    }
    {
        std::lock_guard lock(mutex_);
        fd_ = socket_.impl()->sockfd();
        if (closing_) throw Closing{};
    }
    for (;;) {
        checkStillOpen();
        pollfd entry{fd(), POLLOUT, 0};
        if (::poll(&entry, 1, kPollMs) > 0) break;
        if (Clock::now() >= created_ + settings_.connect_timeout)
            throw DialFailure("no answer within connect_timeout_ms (" + millis(settings_.connect_timeout) + ")");
    }
    if (const int error = socket_.impl()->socketError(); error != 0) throw DialFailure(std::strerror(error));
}

void Connection::handshake() {
    socket_.setBlocking(false);
    socket_.setNoDelay(true);  // ACKs are tiny and a sender waits for each one
    const int descriptor = fd();
    {
        std::lock_guard lock(wire_mutex_);
        wire_ = settings_.tls ? makeTlsWire(settings_.tls->sslContext(), descriptor, false) : makePlainWire(descriptor);
    }
    for (;;) {
        checkStillOpen();
        Io io;
        {
            std::lock_guard lock(wire_mutex_);
            io = wire_->handshake();
        }
        if (io == Io::done) break;
        if (Clock::now() >= created_ + settings_.connect_timeout)
            throw Refusal("no TLS handshake within connect_timeout_ms (" + millis(settings_.connect_timeout) + ")");
        waitForSocket(descriptor, io == Io::want_write, kPollMs);
    }
    if (settings_.tls) {
        try {
            certificate_identity_ = wire_->certificateIdentity();
        } catch (const std::runtime_error& e) {
            throw Refusal(e.what());
        }
        checkRoles(settings_.self, certificate_identity_);
        if (certificate_identity_.account != account())
            throw Refusal("dialed " + account() + " but its certificate is for " + loggable(certificate_identity_.account));
    }
    {
        std::lock_guard lock(mutex_);
        queueControlLocked(FrameType::hello, encodeHello(settings_.self.account));
    }
    startWriting();
}

void Connection::startWriting() {
    writer_ = std::thread([this] { runWriter(); });
    deliverer_ = std::thread([this] { runDeliverer(); });
}

void Connection::readFrames() {
    FrameReader frames(settings_.max_frame_bytes);
    FrameBudget::Room room;  // for the MESSAGE being read
    std::vector<char> buffer(kReadChunk);
    const int descriptor = fd();
    auto last_received = Clock::now();
    for (;;) {
        checkStillOpen();
        waitForRoomToRead();
        std::size_t got = 0;
        Io io;
        {
            std::lock_guard lock(wire_mutex_);
            io = wire_->read(buffer.data(), buffer.size(), got);
        }
        if (io == Io::done) {
            last_received = Clock::now();
            for (std::size_t used = 0; used < got;) {
                used += frames.feed(buffer.data() + used, got - used);
                // The header is in and checked; nothing of the body is stored before this.
                if (frames.headerComplete() && frames.type() == FrameType::message && !room)
                    room = roomFor(frames.length());
                if (auto frame = frames.take()) handleFrame(frame->type, std::move(frame->body), std::move(room));
            }
            continue;
        }
        if (io == Io::closed) return;
        const auto now = Clock::now();
        if (!established() && now >= created_ + settings_.connect_timeout)
            throw Refusal("no HELLO within connect_timeout_ms (" + millis(settings_.connect_timeout) + ")");
        if (established() && now - last_received >= 3 * settings_.keepalive)
            throw std::runtime_error("nothing received for " + millis(3 * settings_.keepalive) +
                                     " (3 x keepalive_ms); closing it");
        waitForSocket(descriptor, io == Io::want_write, kPollMs);
    }
}

FrameBudget::Room Connection::roomFor(std::size_t frame_bytes) {
    auto room = settings_.budget->take(
        frame_bytes,
        [this] {
            std::lock_guard lock(mutex_);
            return closing_;
        },
        [&] { events_.onBufferFull(*this, frame_bytes); });
    if (!room) throw Closing{};
    return room;
}

void Connection::waitForRoomToRead() {
    std::unique_lock lock(mutex_);
    reader_wake_.wait(lock, [&] {
        return closing_ || (deliveries_.size() < kMaxPendingDeliveries &&
                            delivery_bytes_ < 4 * settings_.max_frame_bytes &&
                            queued_control_frames_ < kMaxQueuedControlFrames);
    });
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
        delivery_wake_.notify_one();
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
    if (!events_.onEstablished(shared_from_this())) {
        close(CloseReason::Kind::stopped, "the transport is stopping");
        throw Closing{};
    }
}

sdk::PeerIdentity Connection::identity() const {
    std::lock_guard lock(mutex_);
    return identity_;
}

void Connection::queueControlLocked(FrameType type, std::string frame) {
    outgoing_.push_back({type, 0, std::move(frame)});
    ++queued_control_frames_;
    if (type == FrameType::pong) pong_queued_ = true;
    writer_wake_.notify_one();
}

void Connection::runWriter() {
    blockSigpipeInThisThread();
    try {
        auto last_written = Clock::now();
        for (;;) {
            std::string frame;
            {
                std::unique_lock lock(mutex_);
                const bool woken = writer_wake_.wait_until(lock, last_written + settings_.keepalive,
                                                           [&] { return closing_ || !outgoing_.empty(); });
                if (closing_) return;
                if (!woken) {
                    frame = encodeFrame(FrameType::ping, {});
                } else {
                    Outgoing& next = outgoing_.front();
                    if (next.type != FrameType::message) --queued_control_frames_;
                    if (next.type == FrameType::pong) pong_queued_ = false;
                    frame = std::move(next.frame);
                    outgoing_.pop_front();
                    reader_wake_.notify_one();
                }
            }
            writeAll(frame);
            last_written = Clock::now();
        }
    } catch (const Closing&) {
    } catch (const TlsError& e) {
        close(CloseReason::Kind::refused, e.what());
    } catch (const std::exception& e) {
        close(CloseReason::Kind::lost, e.what());
    }
}

void Connection::writeAll(const std::string& frame) {
    const int descriptor = fd();
    std::size_t offset = 0;
    while (offset < frame.size()) {
        checkStillOpen();
        std::size_t put = 0;
        Io io;
        {
            std::lock_guard lock(wire_mutex_);
            io = wire_->write(frame.data() + offset, frame.size() - offset, put);
        }
        if (io == Io::done) {
            offset += put;
            continue;
        }
        if (io == Io::closed) throw std::runtime_error("the peer closed the connection");
        waitForSocket(descriptor, io == Io::want_write, kPollMs);
    }
}

void Connection::runDeliverer() {
    for (;;) {
        Delivery delivery;
        {
            std::unique_lock lock(mutex_);
            delivery_wake_.wait(lock, [&] { return closing_ || !deliveries_.empty(); });
            // Undelivered messages are dropped: they were never acknowledged, so the peer sends
            // them again.
            if (closing_) return;
            delivery = std::move(deliveries_.front());
            deliveries_.pop_front();
        }
        const bool taken = events_.onMessage(*this, delivery.payload);
        delivery.room.reset();
        if (!taken) {
            // Not taken: no acknowledgement; closing makes the sender retry at once instead of
            // waiting out its acknowledgement timeout.
            close(CloseReason::Kind::lost, "this node could not take a message");
            return;
        }
        std::lock_guard lock(mutex_);
        delivery_bytes_ -= delivery.payload.size();
        reader_wake_.notify_one();
        if (closing_) return;
        queueControlLocked(FrameType::ack, encodeAck(delivery.seq));
    }
}

}  // namespace relaysync::transport_direct
