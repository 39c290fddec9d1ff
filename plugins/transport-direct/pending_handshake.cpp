#include "pending_handshake.h"

#include <poll.h>

#include "close_reason.h"
#include "peer_checks.h"

namespace relaysync::transport_direct {

namespace {

std::string millis(std::chrono::milliseconds duration) { return std::to_string(duration.count()) + " ms"; }

}  // namespace

PendingHandshake::PendingHandshake(const ConnectionSettings& settings, Poco::Net::StreamSocket socket,
                                   std::string address, std::string source)
    : settings_(settings),
      accepted_(Clock::now()),
      address_(std::move(address)),
      source_(std::move(source)),
      socket_(std::move(socket)),
      fd_(socket_.impl()->sockfd()),
      wire_(settings_.tls ? makeTlsWire(settings_.tls->sslContext(), fd_, true) : makePlainWire(fd_)),
      hello_in_(settings_.max_frame_bytes) {
    socket_.setNoDelay(true);  // ACKs are tiny and a sender waits for each one
}

short PendingHandshake::pollEvents() const noexcept { return wants_write_ ? POLLOUT : POLLIN; }

PendingHandshake::Stage PendingHandshake::stage() const {
    if (!wire_) return Stage::hello;  // released
    if (wire_->bytesReceived() == 0) return Stage::silent;
    return tls_done_ ? Stage::hello : Stage::tls;
}

std::optional<std::string> PendingHandshake::overdue(Clock::time_point now) const {
    if (now < deadline()) return std::nullopt;
    return std::string(tls_done_ ? "no HELLO" : "no TLS handshake") + " within connect_timeout_ms (" +
           millis(settings_.connect_timeout) + ")";
}

bool PendingHandshake::advance() {
    if (!tls_done_ && !finishTls()) return false;
    if (!writeHello()) return false;
    return readHello();
}

bool PendingHandshake::finishTls() {
    const Io io = wire_->handshake();
    if (io != Io::done) {
        wants_write_ = io == Io::want_write;
        return false;
    }
    tls_done_ = true;
    if (settings_.tls) {
        try {
            certificate_ = wire_->certificateIdentity();
            certificate_file_ = wire_->peerCertificate();
        } catch (const std::runtime_error& e) {
            throw Refusal(e.what());
        }
        checkRoles(settings_.self, certificate_);
    }
    // Both sides send HELLO first: ours goes at once, whatever the peer does.
    hello_out_ = encodeHello(settings_.self.account);
    return true;
}

bool PendingHandshake::writeHello() {
    while (hello_written_ < hello_out_.size()) {
        std::size_t put = 0;
        const Io io = wire_->write(hello_out_.data() + hello_written_, hello_out_.size() - hello_written_, put);
        if (io == Io::closed) throw std::runtime_error("the peer closed the connection before HELLO");
        if (io != Io::done) {
            wants_write_ = io == Io::want_write;
            return false;
        }
        hello_written_ += put;
    }
    return true;
}

bool PendingHandshake::readHello() {
    char buffer[FrameReader::kHeaderBytes + kMaxAccountBytes];
    for (;;) {
        // Only what HELLO still lacks: the header first, the body once the header is checked.
        const std::size_t wanted = hello_in_.missing();
        std::size_t got = 0;
        const Io io = wire_->read(buffer, std::min(wanted, sizeof buffer), got);
        if (io == Io::closed) throw std::runtime_error("the peer closed the connection before HELLO");
        if (io != Io::done) {
            wants_write_ = io == Io::want_write;
            return false;
        }
        for (std::size_t used = 0; used < got;) used += hello_in_.feed(buffer + used, got - used);
        if (hello_in_.headerComplete() && hello_in_.missing() == hello_in_.length() - 1) {
            if (hello_in_.type() != FrameType::hello)
                throw FrameError(std::string(toString(hello_in_.type())) + " before HELLO");
            if (hello_in_.length() - 1 > kMaxAccountBytes)
                throw FrameError("malformed HELLO: the account is longer than 255 bytes");
        }
        if (auto frame = hello_in_.take()) {
            const std::string account = decodeHello(frame->body);
            checkHello(settings_.self.account, account, certificate_, {});
            proven_ = settings_.tls ? certificate_ : sdk::PeerIdentity{account, sdk::PeerRole::unknown, {}};
            return true;
        }
    }
}

ProvenPeer PendingHandshake::release() {
    return ProvenPeer{std::move(socket_), std::move(wire_), std::move(proven_), std::move(certificate_file_), address_};
}

}  // namespace relaysync::transport_direct
