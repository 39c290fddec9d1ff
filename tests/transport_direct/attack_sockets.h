#pragma once
// What the abuse tests attack a transport with: plain TCP sockets from chosen addresses on
// 127.0.0.0/8 (all of it is loopback on Linux, so one test can be many sources), cheap enough
// to hold hundreds, non-blocking so one thread can drive them all; the bytes of a real TLS
// ClientHello to dribble; and counts of this process's descriptors and threads.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace relaysync::tests {

class AttackSocket {
public:
    // Starts connecting to 127.0.0.1:`port` from `source` (e.g. "127.0.0.7"). Throws
    // std::runtime_error when no socket can be made.
    static AttackSocket connectFrom(const std::string& source, std::uint16_t port);
    // A socket bound to `source`, not connected yet: connecting later needs no new descriptor.
    static AttackSocket boundTo(const std::string& source);
    void connectTo(std::uint16_t port);

    AttackSocket() = default;
    AttackSocket(AttackSocket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    AttackSocket& operator=(AttackSocket&& other) noexcept;
    ~AttackSocket() { close(); }

    bool open() const noexcept { return fd_ >= 0; }
    // The TCP connection is up (the transport may not have accepted it yet).
    bool connected() const;
    // The transport has closed it (end of stream or reset); what arrived before is dropped.
    bool closedByPeer();
    // Writes what the socket takes now; false when the connection is gone.
    bool trySend(std::string_view bytes);
    void close() noexcept;

private:
    explicit AttackSocket(int fd) : fd_(fd) {}
    int fd_ = -1;
};

// "127.0.0.<2 + n % count>": `count` distinct sources other than the peers' 127.0.0.1.
std::string attackerAddress(std::size_t n, std::size_t count);

// Waits until every socket is connected or closed, or `timeout` passes; false then.
bool allConnected(std::vector<AttackSocket>& sockets, std::chrono::milliseconds timeout);
std::size_t closedByPeer(std::vector<AttackSocket>& sockets);

// The first flight of an OpenSSL TLS client: a ClientHello of a few hundred bytes.
std::string tlsClientHello();

std::size_t openDescriptorCount();  // entries of /proc/self/fd, not counting the one that lists them

// The number written just before `label` in `line`: 3 in "... 3 connections in ..." for
// label " connections in". Throws std::runtime_error when there is none.
std::size_t numberBefore(const std::string& line, const std::string& label);

}  // namespace relaysync::tests
