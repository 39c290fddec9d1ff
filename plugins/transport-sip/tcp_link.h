#pragma once
// The one connection to the SIP server: plain TCP, or TLS over it (transport: tls).
// One thread reads; any thread writes (whole messages, serialised).

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

typedef struct ssl_st SSL;

namespace relaysync::transport_sip {

class TlsClient;

// Why a connection could not be made.
struct ConnectFailure {
    std::string text;
    bool certificate_refused = false;  // TLS: the server's certificate failed the check
};

class TcpLink {
public:
    // Connects (and with `tls`, completes the TLS handshake, checking the server's certificate)
    // within `timeout`; nullptr with *failure set when it cannot.
    static std::shared_ptr<TcpLink> connect(const std::string& host, std::uint16_t port,
                                            std::chrono::milliseconds timeout, const TlsClient* tls,
                                            ConnectFailure* failure);
    // Takes over an accepted, non-blocking socket (and its SSL in accept state, or nullptr): the
    // TLS handshake then runs inside the first reads.
    static std::shared_ptr<TcpLink> adopt(int fd, SSL* ssl);
    ~TcpLink();
    TcpLink(const TcpLink&) = delete;
    TcpLink& operator=(const TcpLink&) = delete;

    // Sends all of `bytes`, or closes the link and returns false (peer gone, or no progress for
    // `timeout`).
    bool write(const std::string& bytes, std::chrono::milliseconds timeout);
    // Bytes read into `buffer`; 0 when nothing came within `timeout`; -1 when the link is closed.
    long read(char* buffer, std::size_t size, std::chrono::milliseconds timeout);
    // Wakes the reader and fails every later call.
    void shutdown();
    // This end as "ip:port" (for Via and Contact).
    const std::string& localAddress() const { return local_; }
    // The other end as "ip:port" (for the log).
    const std::string& remoteAddress() const { return remote_; }
    int fd() const { return fd_; }
    // "TLSv1.3" and so on, or empty for plain TCP.
    std::string tlsVersion() const;

private:
    TcpLink(int fd, SSL* ssl);

    const int fd_;
    SSL* const ssl_;  // nullptr: plain TCP
    std::string local_;
    std::string remote_;
    std::mutex write_mutex_;  // one writer at a time
    std::mutex ssl_mutex_;    // an SSL object is not safe for a reader and a writer at once
};

}  // namespace relaysync::transport_sip
