#pragma once
// A hand-driven client for what a well-behaved transport never sends: it connects to a
// transport's listen port (TLS with a chosen certificate, or plain TCP), writes whatever bytes a
// test gives it, and tells whether the transport closed the connection. Blocking, one thread.

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace relaysync::tests {

// Frame types of the wire format (docs/transport-direct.md).
enum class WireType : std::uint8_t { hello = 1, message = 2, ack = 3, ping = 4, pong = 5 };

std::string wireFrame(WireType type, const std::string& body);
std::string wireFrame(std::uint8_t type, const std::string& body);
std::string wireMessage(std::uint64_t seq, const std::string& payload);

class RawClient {
public:
    // TLS, presenting `certificate`/`key`; the server's certificate is not checked: these
    // tests are about what the server accepts. Throws Poco exceptions when the handshake fails.
    static RawClient tls(std::uint16_t port, const std::string& certificate, const std::string& key);
    static RawClient plain(std::uint16_t port);

    void send(const std::string& bytes);
    // The local port, which the transport's log names ("connected with X from 127.0.0.1:P").
    std::uint16_t localPort() const { return socket_.address().port(); }
    // The next frame's type and body, or nothing when none arrives in time.
    std::optional<std::pair<std::uint8_t, std::string>> readFrame(std::chrono::milliseconds timeout);
    // Reads (and drops) until the peer closes the connection: true, or false when `timeout`
    // passes with the connection still open.
    bool closedWithin(std::chrono::milliseconds timeout);

private:
    explicit RawClient(Poco::Net::StreamSocket socket) : socket_(std::move(socket)) {}
    bool readExactly(std::string& out, std::size_t count, std::chrono::steady_clock::time_point deadline);

    Poco::Net::StreamSocket socket_;
};

}  // namespace relaysync::tests
