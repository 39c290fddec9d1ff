#pragma once
// One accepted connection on its way through TLS and HELLO, moved on without blocking by the
// acceptor's thread whenever its socket is ready: no thread of its own. It holds little memory:
// the TLS state and at most one HELLO frame (the header is checked before the body is read, and
// bytes are read only up to the end of HELLO, so that what follows is left for the Connection).

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <Poco/Net/StreamSocket.h>

#include "connection_settings.h"
#include "frame.h"
#include "wire.h"

namespace relaysync::transport_direct {

class PendingHandshake {
public:
    using Clock = std::chrono::steady_clock;
    // How far it got, least first: which ones to drop first when the caps are full.
    enum class Stage { silent, tls, hello };  // nothing received / TLS under way / waiting for HELLO

    PendingHandshake(const ConnectionSettings& settings, Poco::Net::StreamSocket socket, std::string address,
                     std::string source);

    // Moves on as far as the socket allows: true once the peer's HELLO is accepted and ours is
    // written. Throws (close_reason.h sorts it) when the peer fails a check or goes away.
    bool advance();
    // Past connect_timeout_ms: why it is refused ("no TLS handshake within connect_timeout_ms
    // (3000 ms)"), or nothing while there is time left.
    std::optional<std::string> overdue(Clock::time_point now) const;
    // Once advance() returned true: the proven peer, for a Connection to take over.
    ProvenPeer release();

    int fd() const noexcept { return fd_; }
    short pollEvents() const noexcept;
    Stage stage() const;
    Clock::time_point accepted() const noexcept { return accepted_; }
    Clock::time_point deadline() const noexcept { return accepted_ + settings_.connect_timeout; }
    const std::string& address() const noexcept { return address_; }  // "host:port"
    const std::string& source() const noexcept { return source_; }    // the host alone
    // "127.0.0.1:50514 (account not yet known)", as the log names it.
    std::string describe() const { return address_ + " (account not yet known)"; }

private:
    bool finishTls();
    bool writeHello();
    bool readHello();

    const ConnectionSettings& settings_;
    const Clock::time_point accepted_;
    const std::string address_;
    const std::string source_;
    Poco::Net::StreamSocket socket_;  // declared before wire_: outlives it
    int fd_;
    std::unique_ptr<Wire> wire_;
    bool tls_done_ = false;
    bool wants_write_ = false;
    sdk::PeerIdentity certificate_;
    std::shared_ptr<X509> certificate_file_;  // the certificate certificate_ comes from
    std::string hello_out_;
    std::size_t hello_written_ = 0;
    FrameReader hello_in_;
    sdk::PeerIdentity proven_;
};

}  // namespace relaysync::transport_direct
