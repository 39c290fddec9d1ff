#pragma once
// The HTTP endpoint that serves one page, GET /metrics, in the Prometheus text format; 404 for
// any other path, 405 for another method, 431 for a request head over the limit. An accept loop
// of its own with Poco's sockets and HTTP message classes: Poco's HTTPServerConnection waits per
// read, so a client trickling a byte per timeout would keep its thread for ever, and
// TCPServer's queue (maxQueued, then silently closed) would let idle sockets keep a scraper
// out. Here every connection has one deadline for its whole request and a thread of its own
// from acceptance, and at the connection limit the longest waiting idle one makes room
// (endpoint_settings.h, endpoint_connections.h).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "metrics/endpoint_settings.h"

namespace relaysync::metrics {

class MetricsEndpoint {
public:
    // Renders the page; called on a connection's thread, possibly on several at once.
    using Page = std::function<std::string()>;

    // Binds the socket and loads the certificates; throws std::runtime_error saying what failed
    // (address in use, unreadable key). Serves nothing until start().
    MetricsEndpoint(const EndpointSettings& settings, Page page);
    ~MetricsEndpoint();
    MetricsEndpoint(const MetricsEndpoint&) = delete;
    MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

    // Once; after stop() it does nothing.
    void start();
    // Stops accepting, cuts connections still waiting for their request, waits for the others
    // (within write_timeout). Final: the listening socket is shut down.
    void stop();

    std::uint16_t port() const;
    // "http://127.0.0.1:9464/metrics" (https with a certificate), for the log.
    std::string url() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace relaysync::metrics
