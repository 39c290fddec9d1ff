#include "metrics/metrics_endpoint.h"

#include <sys/socket.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include "metrics/exposition.h"

namespace relaysync::metrics {
namespace {

using Clock = std::chrono::steady_clock;
using Poco::Net::HTTPResponse;

// The connections the endpoint has open: which are still waiting for their request (and may be
// cut to make room), which are being answered.
class ConnectionBook {
public:
    explicit ConnectionBook(std::size_t limit) : limit_(limit) {}

    // At accept time, on the acceptor thread. False: refuse the new connection.
    bool admit(const Poco::Net::StreamSocket& socket) {
        std::lock_guard lock(mutex_);
        if (entries_.size() >= limit_) {
            auto oldest = entries_.end();
            for (auto it = entries_.begin(); it != entries_.end(); ++it)
                if (!it->second.answering && (oldest == entries_.end() || it->second.since < oldest->second.since))
                    oldest = it;
            if (oldest == entries_.end()) return false;
            cut(oldest->second.socket);
            entries_.erase(oldest);
        }
        // A descriptor number seen again belongs to a connection closed meanwhile.
        entries_.insert_or_assign(socket.impl()->sockfd(), Entry{socket, Clock::now(), false});
        return true;
    }

    // The request is complete: the connection is no longer one to cut. False if it was cut.
    bool answering(const Poco::Net::StreamSocket& socket) {
        std::lock_guard lock(mutex_);
        const auto it = entries_.find(socket.impl()->sockfd());
        if (it == entries_.end()) return false;
        it->second.answering = true;
        return true;
    }

    // Before the connection's socket closes (so that its number is not yet anyone else's).
    void leave(const Poco::Net::StreamSocket& socket) {
        std::lock_guard lock(mutex_);
        const auto it = entries_.find(socket.impl()->sockfd());
        if (it != entries_.end() && it->second.socket == socket) entries_.erase(it);
    }

    void cutAll() {
        std::lock_guard lock(mutex_);
        for (auto& [fd, entry] : entries_) cut(entry.socket);
        entries_.clear();
    }

private:
    struct Entry {
        Poco::Net::StreamSocket socket;
        Clock::time_point since;
        bool answering = false;
    };

    // shutdown(2) on the descriptor: the connection's blocked read returns at once, on its own
    // thread (no TLS call here, which would need the connection's lock).
    static void cut(const Poco::Net::StreamSocket& socket) { ::shutdown(socket.impl()->sockfd(), SHUT_RDWR); }

    const std::size_t limit_;
    std::mutex mutex_;
    std::map<poco_socket_t, Entry> entries_;
};

class BookFilter final : public Poco::Net::TCPServerConnectionFilter {
public:
    explicit BookFilter(ConnectionBook& book) : book_(book) {}
    bool accept(const Poco::Net::StreamSocket& socket) override { return book_.admit(socket); }

private:
    ConnectionBook& book_;
};

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
class MetricsConnection final : public Poco::Net::TCPServerConnection {
public:
    MetricsConnection(const Poco::Net::StreamSocket& socket, ConnectionBook& book, const EndpointLimits& limits,
                      const MetricsEndpoint::Page& page)
        : TCPServerConnection(socket), book_(book), limits_(limits), page_(page), accepted_(Clock::now()) {}

    void run() override {
        try {
            serve();
        } catch (const Poco::Exception&) {
            // Timeouts, resets, failed handshakes, a connection cut to make room: the client's loss.
        } catch (const std::exception&) {
        }
        book_.leave(socket());
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
        if (!book_.answering(socket())) return;
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
            socket().setReceiveTimeout(Poco::Timespan(left.count()));
            const auto wanted = std::min(sizeof buffer, limits_.max_request_bytes + 1 - head.size());
            const int got = socket().receiveBytes(buffer, static_cast<int>(wanted));
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
            socket().setSendTimeout(Poco::Timespan(left.count()));
            const int n = socket().sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
            if (n <= 0) return;
            sent += static_cast<std::size_t>(n);
        }
    }

    ConnectionBook& book_;
    const EndpointLimits& limits_;
    const MetricsEndpoint::Page& page_;
    const Clock::time_point accepted_;
};

class ConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
public:
    ConnectionFactory(ConnectionBook& book, const EndpointLimits& limits, const MetricsEndpoint::Page& page)
        : book_(book), limits_(limits), page_(page) {}
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
        return new MetricsConnection(socket, book_, limits_, page_);
    }

private:
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
    ConnectionBook book;
    Poco::ThreadPool threads;
    std::unique_ptr<Poco::Net::TCPServer> server;
    bool started = false;

    Impl(const EndpointSettings& settings_in, Page page_in)
        : settings(settings_in),
          page(std::move(page_in)),
          book(std::max<std::size_t>(1, settings.limits.max_connections)),
          // A thread for every connection the book admits: none waits in TCPServer's queue.
          threads(1, static_cast<int>(settings.limits.max_connections) + 1, 60) {
        Poco::Net::ServerSocket socket;
        try {
            socket = listenOn(settings, ssl);
        } catch (const Poco::Exception& e) {
            throw std::runtime_error("metrics endpoint " + settings.host + ":" + std::to_string(settings.port) + ": " +
                                     e.displayText());
        }
        Poco::Net::TCPServerParams::Ptr params = new Poco::Net::TCPServerParams;
        params->setMaxThreads(static_cast<int>(settings.limits.max_connections));
        params->setMaxQueued(static_cast<int>(settings.limits.max_connections));
        server = std::make_unique<Poco::Net::TCPServer>(new ConnectionFactory(book, settings.limits, page), threads,
                                                        socket, params);
        server->setConnectionFilter(new BookFilter(book));
    }
};

MetricsEndpoint::MetricsEndpoint(const EndpointSettings& settings, Page page)
    : impl_(std::make_unique<Impl>(settings, std::move(page))) {}

MetricsEndpoint::~MetricsEndpoint() { stop(); }

void MetricsEndpoint::start() {
    if (impl_->started) return;
    impl_->server->start();
    impl_->started = true;
}

void MetricsEndpoint::stop() {
    if (!impl_->started) return;
    impl_->started = false;
    impl_->server->stop();
    impl_->book.cutAll();
    impl_->threads.joinAll();
}

std::uint16_t MetricsEndpoint::port() const { return impl_->server->port(); }

std::string MetricsEndpoint::url() const {
    const bool ipv6 = impl_->settings.host.find(':') != std::string::npos;
    const auto host = ipv6 ? "[" + impl_->settings.host + "]" : impl_->settings.host;
    return (impl_->settings.certificate.empty() ? "http://" : "https://") + host + ":" + std::to_string(port()) +
           "/metrics";
}

}  // namespace relaysync::metrics
