#pragma once
// The one connection to the SIP server (plain TCP; TLS is to come behind the same interface).
// One thread reads; any thread writes (whole messages, serialised).

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace relaysync::transport_sip {

class TcpLink {
public:
    // Connects within `timeout`; nullptr with *error set when it cannot.
    static std::shared_ptr<TcpLink> connect(const std::string& host, std::uint16_t port,
                                            std::chrono::milliseconds timeout, std::string* error);
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

private:
    explicit TcpLink(int fd);

    const int fd_;
    std::string local_;
    std::mutex write_mutex_;
};

}  // namespace relaysync::transport_sip
