#include "metrics/metrics_endpoint.h"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/URI.h>

#include "metrics/endpoint_connections.h"
#include "metrics/exposition.h"

namespace relaysync::metrics {
namespace {

using Clock = std::chrono::steady_clock;
using Poco::Net::HTTPResponse;

struct Reply {
    Reply(HTTPResponse::HTTPStatus status_in, std::string body_in,
          std::string content_type_in = "text/plain; charset=utf-8", std::string allow_in = {})
        : status(status_in), body(std::move(body_in)), content_type(std::move(content_type_in)),
          allow(std::move(allow_in)) {}
    HTTPResponse::HTTPStatus status;
    std::string body;
    std::string content_type;
    std::string allow;  // 405's Allow header
};

// One request head in, one reply out, then the connection closes.
class MetricsConnection {
public:
    MetricsConnection(const Poco::Net::StreamSocket& socket, ConnectionBook::Id id, Clock::time_point accepted,
                      ConnectionBook& book, const EndpointLimits& limits, const MetricsEndpoint::Page& page)
        : socket_(socket), id_(id), accepted_(accepted), book_(book), limits_(limits), page_(page) {}

    void run() {
        try {
            serve();
        } catch (const Poco::Exception&) {
            // Timeouts, resets, failed handshakes, a connection cut to make room: the client's loss.
        } catch (const std::exception&) {
        }
        book_.leave(id_);
    }

private:
    enum class Head { complete, too_long, gone };

    void serve() {
        std::string head;
        const auto got = readHead(head);
        if (got == Head::gone) return;
        if (got == Head::too_long) {
            send({HTTPResponse::HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, "request head too long\n"});
            return;
        }
        if (!book_.answering(id_)) return;
        send(answer(head));
    }

    Reply answer(const std::string& head) {
        Poco::Net::HTTPRequest request;
        try {
            std::istringstream in(head);
            request.read(in);
        } catch (const Poco::Exception&) {
            return {HTTPResponse::HTTP_BAD_REQUEST, "bad request\n"};
        }
        std::string path;
        try {
            path = Poco::URI(request.getURI()).getPath();
        } catch (const Poco::Exception&) {
            return {HTTPResponse::HTTP_BAD_REQUEST, "bad request URI\n"};
        }
        if (path != "/metrics") return {HTTPResponse::HTTP_NOT_FOUND, "not found; the metrics are at /metrics\n"};
        if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET)
            return {HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "only GET\n", "text/plain; charset=utf-8", "GET"};
        return {HTTPResponse::HTTP_OK, page_(), std::string(kExpositionContentType)};
    }

    // Reads until the blank line that ends the head, within one deadline from acceptance.
    Head readHead(std::string& head) {
        const auto deadline = accepted_ + limits_.read_timeout;
        char buffer[2048];
        while (head.find("\r\n\r\n") == std::string::npos && head.find("\n\n") == std::string::npos) {
            if (head.size() > limits_.max_request_bytes) return Head::too_long;
            const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
            if (left.count() <= 0) return Head::gone;
            socket_.setReceiveTimeout(Poco::Timespan(left.count()));
            const auto wanted = std::min(sizeof buffer, limits_.max_request_bytes + 1 - head.size());
            const int got = socket_.receiveBytes(buffer, static_cast<int>(wanted));
            if (got <= 0) return Head::gone;
            head.append(buffer, static_cast<std::size_t>(got));
        }
        return head.size() > limits_.max_request_bytes ? Head::too_long : Head::complete;
    }

    void send(const Reply& reply) {
        HTTPResponse response(reply.status);
        response.setContentType(reply.content_type);
        response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
        response.set("Connection", "close");
        if (!reply.allow.empty()) response.set("Allow", reply.allow);
        std::ostringstream out;
        response.write(out);
        const std::string bytes = out.str() + reply.body;
        const auto deadline = Clock::now() + limits_.write_timeout;
        for (std::size_t sent = 0; sent < bytes.size();) {
            const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
            if (left.count() <= 0) return;
            socket_.setSendTimeout(Poco::Timespan(left.count()));
            const int n = socket_.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
            if (n <= 0) return;
            sent += static_cast<std::size_t>(n);
        }
    }

    Poco::Net::StreamSocket socket_;
    const ConnectionBook::Id id_;
    const Clock::time_point accepted_;
    ConnectionBook& book_;
    const EndpointLimits& limits_;
    const MetricsEndpoint::Page& page_;
};

// OpenSSL set up once per process user, as Poco asks.
struct SslUse {
    SslUse() { Poco::Net::initializeSSL(); }
    ~SslUse() { Poco::Net::uninitializeSSL(); }
};

Poco::Net::ServerSocket listenOn(const EndpointSettings& settings, std::unique_ptr<SslUse>& ssl) {
    const Poco::Net::SocketAddress address(settings.host, static_cast<Poco::UInt16>(settings.port));
    if (settings.certificate.empty()) {
        Poco::Net::ServerSocket socket;
        socket.bind(address, true);
        socket.listen(64);
        return socket;
    }
    ssl = std::make_unique<SslUse>();
    Poco::Net::Context::Params params;
    params.privateKeyFile = settings.private_key;
    params.certificateFile = settings.certificate;
    params.caLocation = settings.ca;
    params.verificationMode = settings.ca.empty() ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_STRICT;
    params.loadDefaultCAs = false;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    // The chain is checked by OpenSSL against `ca`; Poco's extra check would match a client's
    // certificate against the client's address, which says nothing about a scraper.
    context->enableExtendedCertificateVerification(false);
    Poco::Net::SecureServerSocket socket(context);
    socket.bind(address, true);
    socket.listen(64);
    return socket;
}

}  // namespace

struct MetricsEndpoint::Impl {
    EndpointSettings settings;
    Page page;
    std::unique_ptr<SslUse> ssl;
    Poco::Net::ServerSocket listener;
    ConnectionBook book;
    ConnectionThreads threads;
    std::thread acceptor;
    std::atomic<bool> stopping{false};
    enum class State { bound, serving, stopped } state = State::bound;

    Impl(const EndpointSettings& settings_in, Page page_in)
        : settings(settings_in),
          page(std::move(page_in)),
          book(std::max<std::size_t>(1, settings.limits.max_connections)) {
        try {
            listener = listenOn(settings, ssl);
        } catch (const Poco::Exception& e) {
            throw std::runtime_error("metrics endpoint " + settings.host + ":" + std::to_string(settings.port) + ": " +
                                     e.displayText());
        }
    }

    // On the acceptor thread: every connection the book admits gets its own thread at once, so
    // a scrape never waits behind idle connections for a thread, nor in a queue that could be
    // full (Poco's TCPServer queued at most maxQueued connections and closed the rest silently
    // after the book had admitted them).
    void acceptConnections() {
        // Over the book's limit run only connections just cut, which end at once.
        const std::size_t most_threads = 2 * std::max<std::size_t>(1, settings.limits.max_connections);
        while (!stopping) {
            threads.waitFewerThan(most_threads, stopping);
            Poco::Net::StreamSocket socket;
            try {
                socket = listener.acceptConnection();
            } catch (const Poco::Exception&) {
                if (stopping) break;
                // Out of descriptors, a connection reset before it was taken: try again soon.
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                continue;
            }
            const auto accepted = Clock::now();
            const auto id = book.admit(socket);
            if (id == ConnectionBook::refused) continue;  // all being answered; closes here
            try {
                socket.setNoDelay(true);
                threads.start([this, socket, id, accepted] {
                    MetricsConnection(socket, id, accepted, book, settings.limits, page).run();
                });
            } catch (const std::exception&) {  // no thread to be had (Poco's exceptions too)
                book.leave(id);
            }
        }
    }
};

MetricsEndpoint::MetricsEndpoint(const EndpointSettings& settings, Page page)
    : impl_(std::make_unique<Impl>(settings, std::move(page))) {}

MetricsEndpoint::~MetricsEndpoint() { stop(); }

void MetricsEndpoint::start() {
    if (impl_->state != Impl::State::bound) return;
    impl_->acceptor = std::thread([impl = impl_.get()] { impl->acceptConnections(); });
    impl_->state = Impl::State::serving;
}

void MetricsEndpoint::stop() {
    if (impl_->state != Impl::State::serving) return;
    impl_->state = Impl::State::stopped;
    impl_->stopping = true;
    // A blocked accept(2) returns (EINVAL) once its listening socket is shut down.
    ::shutdown(impl_->listener.impl()->sockfd(), SHUT_RDWR);
    impl_->acceptor.join();
    impl_->book.cutWaiting();
    impl_->threads.joinAll();
}

std::uint16_t MetricsEndpoint::port() const { return impl_->listener.address().port(); }

std::string MetricsEndpoint::url() const {
    const bool ipv6 = impl_->settings.host.find(':') != std::string::npos;
    const auto host = ipv6 ? "[" + impl_->settings.host + "]" : impl_->settings.host;
    return (impl_->settings.certificate.empty() ? "http://" : "https://") + host + ":" + std::to_string(port()) +
           "/metrics";
}

}  // namespace relaysync::metrics
