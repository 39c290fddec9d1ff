// The /metrics endpoint on loopback: GET /metrics answers the page, other paths 404, other
// methods 405, a request head over the limit 431; idle and trickling clients at the connection
// limit do not keep a scraper out.
#include <cppunit/extensions/HelperMacros.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include "metrics/exposition.h"
#include "metrics/metrics_endpoint.h"

namespace relaysync::metrics::test {

using namespace std::chrono_literals;

class EndpointTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EndpointTest);
    CPPUNIT_TEST(getMetricsServesThePage);
    CPPUNIT_TEST(otherPathsAre404);
    CPPUNIT_TEST(otherMethodsAre405);
    CPPUNIT_TEST(oversizedRequestIsRefused);
    CPPUNIT_TEST(idleClientsDoNotKeepAScraperOut);
    CPPUNIT_TEST(aScrapeBehindABurstOfIdleClientsIsAnswered);
    CPPUNIT_TEST(tricklingClientIsCutAtItsDeadline);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        EndpointSettings settings;
        settings.port = 0;
        settings.limits.max_connections = 4;
        // Far beyond any test's run: only the limit can make room, never the clock.
        settings.limits.read_timeout = 120s;
        start(settings);
    }

    void tearDown() override { endpoint_.reset(); }

    void getMetricsServesThePage() {
        const auto [status, type, body] = request("GET", "/metrics");
        CPPUNIT_ASSERT_EQUAL(200, status);
        CPPUNIT_ASSERT_EQUAL(std::string(kExpositionContentType), type);
        CPPUNIT_ASSERT_EQUAL(page(), body);
        CPPUNIT_ASSERT_EQUAL(200, std::get<0>(request("GET", "/metrics?x=1")));
    }

    void otherPathsAre404() {
        CPPUNIT_ASSERT_EQUAL(404, std::get<0>(request("GET", "/")));
        CPPUNIT_ASSERT_EQUAL(404, std::get<0>(request("GET", "/metrics/x")));
        CPPUNIT_ASSERT_EQUAL(404, std::get<0>(request("POST", "/other")));
    }

    void otherMethodsAre405() {
        for (const char* method : {"POST", "PUT", "DELETE"}) {
            CPPUNIT_ASSERT_EQUAL(405, std::get<0>(request(method, "/metrics")));
        }
        const auto reply = raw("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
        CPPUNIT_ASSERT_MESSAGE(reply, reply.find("Allow: GET") != std::string::npos);
    }

    void oversizedRequestIsRefused() {
        const std::string head = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(20000, 'a') + "\r\n\r\n";
        const auto reply = raw(head);
        CPPUNIT_ASSERT_MESSAGE(reply, reply.rfind("HTTP/1.0 431", 0) == 0 || reply.rfind("HTTP/1.1 431", 0) == 0);
        CPPUNIT_ASSERT_EQUAL(200, std::get<0>(request("GET", "/metrics")));
    }

    // More idle connections than the limit, opened before the scrape and left open: the scrape
    // is answered while they are still there (the read timeout is far away), because the
    // longest waiting of them makes room.
    void idleClientsDoNotKeepAScraperOut() {
        std::vector<Poco::Net::StreamSocket> idle;
        for (int i = 0; i < 8; ++i) idle.emplace_back(Poco::Net::SocketAddress("127.0.0.1", endpoint_->port()));
        // A client that sent half a request head, then nothing.
        Poco::Net::StreamSocket slow(Poco::Net::SocketAddress("127.0.0.1", endpoint_->port()));
        slow.sendBytes("GET /metr", 9);
        for (int round = 0; round < 3; ++round) {
            const auto [status, type, body] = request("GET", "/metrics");
            CPPUNIT_ASSERT_EQUAL(200, status);
            CPPUNIT_ASSERT_EQUAL(page(), body);
        }
    }

    // Idle connections and then a scrape, all waiting in the listen backlog before the endpoint
    // accepts: it takes them back to back, faster than their threads start. Every one the book
    // admits must be served (a queue of connections waiting for a thread, as in Poco's
    // TCPServer, closed the ones past its length after the book had taken them in: the scrape
    // was never answered).
    void aScrapeBehindABurstOfIdleClientsIsAnswered() {
        EndpointSettings settings;
        settings.port = 0;
        settings.limits.max_connections = 4;
        settings.limits.read_timeout = 120s;
        // On one core the acceptor takes the backlog in its time slices while the connections'
        // threads wait for theirs, as on a loaded machine.
        const OneCore one_core;
        for (int round = 0; round < 5; ++round) {
            create(settings);
            std::vector<Poco::Net::StreamSocket> idle;
            for (int i = 0; i < 48; ++i) idle.emplace_back(Poco::Net::SocketAddress("127.0.0.1", endpoint_->port()));
            Poco::Net::StreamSocket scrape(Poco::Net::SocketAddress("127.0.0.1", endpoint_->port()));
            const std::string head = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
            scrape.sendBytes(head.data(), static_cast<int>(head.size()));
            endpoint_->start();
            const auto reply = readUntilClosed(scrape);
            CPPUNIT_ASSERT_MESSAGE(reply, reply.rfind("HTTP/1.1 200", 0) == 0 || reply.rfind("HTTP/1.0 200", 0) == 0);
            CPPUNIT_ASSERT_MESSAGE(reply, reply.size() >= page().size() &&
                                              reply.compare(reply.size() - page().size(), page().size(), page()) == 0);
        }
    }

    void tricklingClientIsCutAtItsDeadline() {
        EndpointSettings settings;
        settings.port = 0;
        settings.limits.read_timeout = 300ms;
        start(settings);
        Poco::Net::StreamSocket slow(Poco::Net::SocketAddress("127.0.0.1", endpoint_->port()));
        slow.setReceiveTimeout(Poco::Timespan(30, 0));
        // A byte now and then, each well within the deadline, never the whole head.
        const auto until = std::chrono::steady_clock::now() + 20s;
        bool cut = false;
        while (!cut && std::chrono::steady_clock::now() < until) {
            try {
                slow.sendBytes("X", 1);
                if (slow.poll(Poco::Timespan(0, 100'000), Poco::Net::Socket::SELECT_READ)) {
                    char byte;
                    cut = slow.receiveBytes(&byte, 1) <= 0;
                }
            } catch (const Poco::Exception&) {
                cut = true;
            }
        }
        CPPUNIT_ASSERT_MESSAGE("the server closed the trickling connection", cut);
    }

private:
    // Pins this thread, and the threads it starts meanwhile, to the core it is on.
    class OneCore {
    public:
        OneCore() {
            pinned_ = ::sched_getaffinity(0, sizeof before_, &before_) == 0;
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(std::max(0, ::sched_getcpu()), &one);
            pinned_ = pinned_ && ::sched_setaffinity(0, sizeof one, &one) == 0;
        }
        ~OneCore() {
            if (pinned_) ::sched_setaffinity(0, sizeof before_, &before_);
        }
        OneCore(const OneCore&) = delete;
        OneCore& operator=(const OneCore&) = delete;

    private:
        cpu_set_t before_;
        bool pinned_ = false;
    };

    static std::string page() { return "# HELP relaysync_x X.\n# TYPE relaysync_x gauge\nrelaysync_x 1\n"; }

    // Bound and listening (connections wait in the backlog), not yet accepting.
    void create(const EndpointSettings& settings) {
        endpoint_.reset();
        endpoint_ = std::make_unique<MetricsEndpoint>(settings, [] { return page(); });
    }

    void start(const EndpointSettings& settings) {
        create(settings);
        endpoint_->start();
    }

    std::tuple<int, std::string, std::string> request(const std::string& method, const std::string& path) {
        Poco::Net::HTTPClientSession session("127.0.0.1", endpoint_->port());
        session.setTimeout(Poco::Timespan(30, 0));
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setContentLength(0);
        session.sendRequest(request);
        Poco::Net::HTTPResponse response;
        auto& in = session.receiveResponse(response);
        std::string body;
        Poco::StreamCopier::copyToString(in, body);
        return {static_cast<int>(response.getStatus()), response.getContentType(), body};
    }

    // Sends `text` as it is and returns everything the server answers until it closes.
    std::string raw(const std::string& text) {
        Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", endpoint_->port()));
        try {
            socket.sendBytes(text.data(), static_cast<int>(text.size()));
        } catch (const Poco::Exception&) {
            // The server may answer and close before taking all of an oversized head.
        }
        return readUntilClosed(socket);
    }

    // Everything the server sends until it closes, or what came within 30 s.
    static std::string readUntilClosed(Poco::Net::StreamSocket& socket) {
        socket.setReceiveTimeout(Poco::Timespan(30, 0));
        std::string reply;
        char buffer[4096];
        try {
            for (int got; (got = socket.receiveBytes(buffer, sizeof buffer)) > 0;) reply.append(buffer, got);
        } catch (const Poco::Exception&) {
        }
        return reply;
    }

    std::unique_ptr<MetricsEndpoint> endpoint_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(EndpointTest);

}  // namespace relaysync::metrics::test
