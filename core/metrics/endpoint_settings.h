#pragma once
// Where the /metrics endpoint listens and what one connection may cost (profile `metrics:`,
// docs/metrics.md). Without a certificate it serves plain HTTP.

#include <chrono>
#include <cstddef>
#include <string>

namespace relaysync::metrics {

struct EndpointLimits {
    // A connection has this long, from when it was accepted, to send its whole request head
    // (and over TLS to finish the handshake); trickling bytes does not extend it.
    std::chrono::milliseconds read_timeout{5'000};
    // The longest request head (request line and header fields); longer is answered 431.
    std::size_t max_request_bytes = 8 * 1024;
    // Connections open at once. At the limit, a new one makes the connection that has waited
    // longest without a complete request close, so idle sockets cannot keep a scraper out;
    // when every one is being answered, the new one is refused.
    std::size_t max_connections = 16;
    // How long writing the page to a client that does not read may take.
    std::chrono::milliseconds write_timeout{10'000};
};

struct EndpointSettings {
    std::string host = "127.0.0.1";
    unsigned port = 9464;  // 0: any free port (tests; port() tells which)
    // TLS: the server's certificate and key (PEM). `ca`, when given, makes a client certificate
    // signed by it a condition of every connection.
    std::string certificate, private_key, ca;
    EndpointLimits limits;
};

}  // namespace relaysync::metrics
