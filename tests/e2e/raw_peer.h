#pragma once
// A client that speaks to a relay's transport port the way a broken or hostile program would:
// plain TCP with any bytes, or TLS with a chosen certificate and then any frames. The frame
// layout is the direct transport's (docs/transport-direct.md, "On the wire"): 4-byte big-endian
// length of what follows, 1 type byte, the body. Blocking, one thread, bounded by timeouts.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <Poco/Net/StreamSocket.h>

namespace relaysync::e2e {

enum class FrameKind : std::uint8_t { hello = 1, message = 2, ack = 3, ping = 4, pong = 5 };

std::string encodeFrame(std::uint8_t type, const std::string& body);
inline std::string encodeFrame(FrameKind type, const std::string& body) {
    return encodeFrame(static_cast<std::uint8_t>(type), body);
}
// Only a header: a length field of `length` and a type byte, no body.
std::string frameHeader(std::uint32_t length, FrameKind type);

class RawPeer {
public:
    static RawPeer plain(std::uint16_t port);
    // TLS presenting `certificate`/`key` and not checking the server's certificate. Throws a
    // Poco exception when the handshake fails.
    static RawPeer tls(std::uint16_t port, const std::string& certificate, const std::string& key);

    // The local port, which the relay's log names ("refused the connection with 127.0.0.1:P").
    std::uint16_t localPort() const { return local_port_; }
    // Writes all of `bytes`; false when the connection is already gone.
    bool send(const std::string& bytes);
    // The next frame (type, body) within `timeout`, or nothing.
    std::optional<std::pair<std::uint8_t, std::string>> readFrame(std::chrono::milliseconds timeout);
    // Reads and drops until the peer closes the connection (true) or `timeout` passes (false).
    bool closedWithin(std::chrono::milliseconds timeout);

private:
    explicit RawPeer(Poco::Net::StreamSocket socket);
    bool readExactly(std::string& out, std::size_t count, std::chrono::steady_clock::time_point deadline);

    Poco::Net::StreamSocket socket_;
    std::uint16_t local_port_ = 0;
};

}  // namespace relaysync::e2e
