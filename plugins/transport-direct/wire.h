#pragma once
// A connection's byte stream over a non-blocking socket: TLS (OpenSSL driven directly, so that
// one SSL object is never used by two threads at once) or plain TCP. Calls never block; they
// say what they wait for, and the caller polls the socket. The caller serializes all calls on
// one wire.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "relaysync/sdk/transport.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct x509_st X509;

namespace relaysync::transport_direct {

enum class Io { done, want_read, want_write, closed };

// The TLS layer refused the connection or failed (certificate not trusted, alert from the
// peer, protocol error); the text says why, in OpenSSL's words.
class TlsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Wire {
public:
    virtual ~Wire() = default;

    // Advances the handshake: done once complete. Throws TlsError when it fails.
    virtual Io handshake() = 0;
    // Reads up to `size` bytes into `buffer`; done with `got` > 0, or closed at the end of the
    // stream. Throws std::runtime_error on errors.
    virtual Io read(char* buffer, std::size_t size, std::size_t& got) = 0;
    // Writes some of `data`; done with `put` > 0. Throws std::runtime_error on errors.
    virtual Io write(const char* data, std::size_t size, std::size_t& put) = 0;
    // What the peer's verified certificate proves; an empty account for a plain wire.
    virtual sdk::PeerIdentity certificateIdentity() const = 0;
    // The peer's verified certificate once the handshake is done, to check it against a newer
    // revocation list later; null for a plain wire.
    virtual std::shared_ptr<X509> peerCertificate() const = 0;
    // Bytes taken from the socket so far, handshake included: whether a peer has said anything.
    virtual std::uint64_t bytesReceived() const = 0;
};

std::unique_ptr<Wire> makePlainWire(int fd);
// `server`: this side accepted the connection.
std::unique_ptr<Wire> makeTlsWire(SSL_CTX* context, int fd, bool server);

// Writing to a socket the peer has closed raises SIGPIPE, which would end the whole process;
// every thread that writes blocks it for itself and gets EPIPE instead.
void blockSigpipeInThisThread();

}  // namespace relaysync::transport_direct
