// Holding the admin channel under abuse (issue 7): idle, slow and greedy local clients cannot
// keep others out. Every wait has a deadline; the figures observed are printed.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <future>
#include <iostream>
#include <memory>
#include <random>

#include <Poco/JSON/Parser.h>

#include "admin/admin_client.h"
#include "admin/admin_commands.h"
#include "admin/admin_server.h"
#include "admin_test_peers.h"
#include "protocol/json_fields.h"
#include "runtime/in_process_network.h"

namespace relaysync::test {

using namespace std::chrono_literals;

namespace {

Poco::JSON::Object::Ptr command(const std::string& name) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("command", name);
    object->set("args", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
    return object;
}

Poco::JSON::Object::Ptr parse(const std::string& line) {
    Poco::JSON::Parser parser;
    return parser.parse(line).extract<Poco::JSON::Object::Ptr>();
}

// Whether `line` is an admin error reply whose message contains `text`.
bool isErrorWith(const std::optional<std::string>& line, const std::string& text) {
    if (!line) return false;
    const auto reply = parse(*line);
    return !reply->getValue<bool>("ok") && reply->getValue<std::string>("error").find(text) != std::string::npos;
}

}  // namespace

class AdminLimitsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AdminLimitsTest);
    CPPUNIT_TEST(defaultsAreSafe);
    CPPUNIT_TEST(idleConnectionsDoNotBlockACommand);
    CPPUNIT_TEST(idleConnectionsOverTheLimitMakeRoom);
    CPPUNIT_TEST(longCommandDoesNotBlockOthers);
    CPPUNIT_TEST(overLongLineGetsAJsonError);
    CPPUNIT_TEST(lineAtTheLimitIsServed);
    CPPUNIT_TEST(slowLorisIsCutAtTheDeadline);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        directory_ = std::filesystem::temp_directory_path() / ("relaysync-limits-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(directory_);
        core::Node::Parts parts;
        parts.database = std::make_unique<core::Database>("sqlite:" + (directory_ / "relay.db").string());
        parts.transport = network_.transportFor("relay@net");
        relay_ = core::Node::relay(std::move(parts), "relay@net", "Tokyo", core::RelayPolicy{});
        relay_->start();
        socket_ = (directory_ / "relay.sock").string();
    }

    void tearDown() override {
        server_.reset();
        relay_.reset();
        std::filesystem::remove_all(directory_);
    }

    void defaultsAreSafe() {
        const core::AdminLimits limits;
        std::cout << "\n  defaults: read timeout " << limits.read_timeout.count() << " ms, line limit "
                  << limits.max_request_bytes << " bytes, " << limits.max_connections << " connections, "
                  << limits.workers << " workers, write timeout " << limits.write_timeout.count() << " ms" << std::flush;
        CPPUNIT_ASSERT(limits.read_timeout > 0ms && limits.read_timeout <= 60s);
        CPPUNIT_ASSERT(limits.write_timeout > 0ms && limits.write_timeout <= 60s);
        CPPUNIT_ASSERT(limits.max_request_bytes >= 64 * 1024);
        CPPUNIT_ASSERT(limits.workers >= 2);
        CPPUNIT_ASSERT(limits.max_connections > limits.workers);
        // The client gives a daemon longer than a slow request line may take at the server.
        CPPUNIT_ASSERT(core::kDefaultAdminTimeout.totalMilliseconds() > limits.read_timeout.count());
    }

    // Below the connection limit: idle and half-sent connections are held open while a real
    // command (status, on a relay node) is answered at once.
    void idleConnectionsDoNotBlockACommand() {
        startRelayServer({});
        const std::size_t held = 16;  // four of them blocked every command before
        std::vector<std::unique_ptr<RawAdminConnection>> idle;
        for (std::size_t i = 0; i < held; ++i) {
            idle.push_back(std::make_unique<RawAdminConnection>(socket_));
            if (i % 2 == 1) idle.back()->send(R"({"command": "stat)", in(1s));  // half a request
        }
        CPPUNIT_ASSERT(waitUntil(in(2s), [&] { return server_->counts().accepted == held; }));

        const auto start = Clock::now();
        const auto answer = core::askDaemon(socket_, command("status"), Poco::Timespan(2, 0));
        const auto took = millisecondsSince(start);
        std::cout << "\n  " << held << " idle connections held (limit " << server_->limits().max_connections
                  << "): status answered in " << took << " ms (bound 1000 ms)" << std::flush;
        CPPUNIT_ASSERT_MESSAGE(core::json::optionalString(answer, "error"), answer->getValue<bool>("ok"));
        CPPUNIT_ASSERT(took < 1000);
        for (const auto& each : idle) CPPUNIT_ASSERT(!each->readable(in(0ms)));  // none was cut
    }

    // Over the default limit: the connections idle longest are closed, with the JSON error, to
    // make room, and a real command is answered at once.
    void idleConnectionsOverTheLimitMakeRoom() {
        CapturedAdminLog log;
        startRelayServer({});
        const auto limit = server_->limits().max_connections;
        const std::size_t held = limit + 8;
        std::vector<std::unique_ptr<RawAdminConnection>> idle;
        for (std::size_t i = 0; i < held; ++i) idle.push_back(std::make_unique<RawAdminConnection>(socket_));
        CPPUNIT_ASSERT(waitUntil(in(2s), [&] { return server_->counts().accepted == held; }));

        const auto start = Clock::now();
        const auto answer = core::askDaemon(socket_, command("status"), Poco::Timespan(2, 0));
        const auto took = millisecondsSince(start);
        CPPUNIT_ASSERT_MESSAGE(core::json::optionalString(answer, "error"), answer->getValue<bool>("ok"));
        CPPUNIT_ASSERT(took < 1000);

        // 8 over the limit made room for later ones, the status one once more.
        const std::size_t expected_closed = held - limit + 1;
        const auto reason = "too many admin connections (" + std::to_string(limit) + "); closing this idle one";
        std::size_t closed = 0;
        for (const auto& each : idle)
            if (each->readable(in(0ms))) {
                CPPUNIT_ASSERT(isErrorWith(each->readLine(in(1s)), reason));
                CPPUNIT_ASSERT(each->closedBy(in(1s)));
                ++closed;
            }
        // The ones closed are the oldest: the last ones connected are all still open.
        for (std::size_t i = held - (limit - 1); i < held; ++i) CPPUNIT_ASSERT(!idle[i]->readable(in(0ms)));
        std::cout << "\n  " << held << " idle connections at the limit of " << limit << ": " << closed
                  << " idle ones closed with the JSON error, status answered in " << took << " ms (bound 1000 ms)"
                  << std::flush;
        CPPUNIT_ASSERT_EQUAL(expected_closed, closed);
        CPPUNIT_ASSERT_EQUAL(expected_closed, server_->counts().idle_closed);
        CPPUNIT_ASSERT(!log.find("connections open (the limit): closed the one idle longest").empty());
    }

    // A command that runs long holds its own connection only: another is answered meanwhile.
    void longCommandDoesNotBlockOthers() {
        std::promise<void> entered, release;
        auto released = release.get_future().share();
        server_ = std::make_unique<core::AdminServer>(socket_, [&](const Poco::JSON::Object::Ptr& request) {
            Poco::JSON::Object::Ptr answer = new Poco::JSON::Object;
            if (request->getValue<std::string>("command") == "slow") {
                entered.set_value();
                answer->set("released", released.wait_for(10s) == std::future_status::ready);
            }
            return answer;
        });
        server_->start();
        auto slow = std::async(std::launch::async, [&] { return core::askDaemon(socket_, command("slow")); });
        CPPUNIT_ASSERT(entered.get_future().wait_for(5s) == std::future_status::ready);

        const auto start = Clock::now();
        const auto answer = core::askDaemon(socket_, command("ping"), Poco::Timespan(2, 0));
        const auto took = millisecondsSince(start);
        release.set_value();
        CPPUNIT_ASSERT(answer->getValue<bool>("ok"));
        CPPUNIT_ASSERT(slow.wait_for(5s) == std::future_status::ready);
        CPPUNIT_ASSERT(slow.get()->getValue<bool>("released"));
        std::cout << "\n  while a command ran, another was answered in " << took << " ms (bound 1000 ms)" << std::flush;
        CPPUNIT_ASSERT(took < 1000);
    }

    // The default line limit (1 MiB): one byte more gets the JSON error, the connection is
    // closed, and the daemon serves the next client as before.
    void overLongLineGetsAJsonError() {
        CapturedAdminLog log;
        startRelayServer({});
        const auto limit = server_->limits().max_request_bytes;
        RawAdminConnection greedy(socket_);
        const auto start = Clock::now();
        const auto sent = greedy.send(std::string(limit + 64 * 1024, 'x') + "\n", in(5s));
        const auto reply = greedy.readLine(in(5s));
        CPPUNIT_ASSERT(reply);
        std::cout << "\n  over-long line: " << sent << " bytes taken of " << limit + 64 * 1024 + 1 << " (limit " << limit
                  << "), reply after " << millisecondsSince(start) << " ms: " << *reply << std::flush;
        CPPUNIT_ASSERT(isErrorWith(reply, "request line longer than 1048576 bytes; closing the connection"));
        CPPUNIT_ASSERT(greedy.closedBy(in(2s)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), server_->counts().too_long);
        CPPUNIT_ASSERT(!log.find("request line is longer than 1048576 bytes (the limit)").empty());

        // The client library shows the same reply for a request it was not let finish.
        Poco::JSON::Object::Ptr huge = command("ping");
        huge->set("padding", std::string(limit, 'x'));
        const auto answer = core::askDaemon(socket_, huge, Poco::Timespan(5, 0));
        CPPUNIT_ASSERT(!answer->getValue<bool>("ok"));
        CPPUNIT_ASSERT(answer->getValue<std::string>("error").find("request line longer than") != std::string::npos);
        CPPUNIT_ASSERT(core::askDaemon(socket_, command("ping"))->getValue<bool>("ok"));
    }

    void lineAtTheLimitIsServed() {
        core::AdminLimits limits;
        limits.max_request_bytes = 4096;
        startRelayServer(limits);
        std::string line = R"({"command": "ping", "padding": ")";
        const std::string end = "\"}";
        line += std::string(limits.max_request_bytes - line.size() - end.size(), 'x') + end;
        CPPUNIT_ASSERT_EQUAL(limits.max_request_bytes, line.size());
        RawAdminConnection client(socket_);
        client.send(line + "\n", in(2s));
        const auto reply = client.readLine(in(2s));
        CPPUNIT_ASSERT(reply && parse(*reply)->getValue<bool>("ok"));
        client.send("x" + line + "\n", in(2s));  // one byte over, on the same connection
        CPPUNIT_ASSERT(isErrorWith(client.readLine(in(2s)), "request line longer than 4096 bytes"));
        CPPUNIT_ASSERT(client.closedBy(in(2s)));
    }

    // A client that dribbles a request without ever ending the line, and one that sends
    // nothing, are both cut at the read deadline, while others are served meanwhile.
    void slowLorisIsCutAtTheDeadline() {
        CapturedAdminLog log;
        core::AdminLimits limits;
        limits.read_timeout = 1000ms;
        startRelayServer(limits);
        const auto start = Clock::now();
        RawAdminConnection loris(socket_), silent(socket_);
        const std::string dribble = R"({"command": "ping", "args": {}})";
        std::size_t dribbled = 0;
        bool served_meanwhile = false;
        long long served_in = -1;
        // One byte, then up to 100 ms for the daemon to react; until it does (or 5 s pass).
        while (!loris.readable(in(100ms)) && millisecondsSince(start) < 5000) {
            dribbled += loris.send(std::string_view(&dribble[dribbled % (dribble.size() - 1)], 1), in(100ms));
            if (!served_meanwhile && millisecondsSince(start) > 300) {
                const auto asked = Clock::now();
                served_meanwhile = core::askDaemon(socket_, command("ping"), Poco::Timespan(1, 0))->getValue<bool>("ok");
                served_in = millisecondsSince(asked);
            }
        }
        const auto cut_after = millisecondsSince(start);
        const auto reply = loris.readLine(in(1s));
        std::cout << "\n  slow loris: " << dribbled << " bytes dribbled, cut after " << cut_after
                  << " ms (read timeout " << limits.read_timeout.count() << " ms, bound "
                  << limits.read_timeout.count() + 700 << " ms); a ping meanwhile answered in " << served_in << " ms"
                  << std::flush;
        CPPUNIT_ASSERT(isErrorWith(reply, "no complete request line within 1 s; closing the connection"));
        CPPUNIT_ASSERT(loris.closedBy(in(1s)));
        CPPUNIT_ASSERT(cut_after >= limits.read_timeout.count());
        CPPUNIT_ASSERT(cut_after < limits.read_timeout.count() + 700);
        CPPUNIT_ASSERT(dribbled >= 5);
        CPPUNIT_ASSERT(served_meanwhile);
        CPPUNIT_ASSERT(isErrorWith(silent.readLine(in(1s)), "no complete request line within 1 s"));
        CPPUNIT_ASSERT(silent.closedBy(in(1s)));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), server_->counts().read_timeouts);
        CPPUNIT_ASSERT(!log.find("sent no complete request line within 1 s (the read timeout").empty());
    }

private:
    void startRelayServer(const core::AdminLimits& limits) {
        server_ = std::make_unique<core::AdminServer>(
            socket_, [this](const Poco::JSON::Object::Ptr& request) { return core::runAdminCommand(*relay_, request); },
            limits);
        server_->start();
    }

    std::filesystem::path directory_;
    core::InProcessNetwork network_;
    std::unique_ptr<core::Node> relay_;
    std::string socket_;
    std::unique_ptr<core::AdminServer> server_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminLimitsTest);

}  // namespace relaysync::test
