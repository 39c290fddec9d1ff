// A relay daemon against a peer that floods it with messages that must wait (about a share it
// has never heard of), and against local clients that hog its admin socket: what waits stays
// within the profile's bounds in messages and bytes, the relay's memory stays bounded, and the
// operator's commands still get through.
#include <cppunit/extensions/HelperMacros.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <regex>

#include "plain_relay.h"
#include "protocol/codec.h"
#include "raw_peer.h"

namespace relaysync::e2e {

namespace {
using namespace std::chrono_literals;

std::string frameOf(std::uint64_t seq, const std::string& payload) {
    std::string body;
    for (int shift = 56; shift >= 0; shift -= 8) body.push_back(static_cast<char>((seq >> shift) & 0xff));
    return encodeFrame(FrameKind::message, body + payload);
}

// The resident memory of a process, in KiB ("VmRSS" of /proc/<pid>/status).
std::size_t residentKiB(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
    return 0;
}

// "N waiting for what they depend on (B bytes)" from `relaysync-admin status`.
std::pair<std::size_t, std::size_t> deferredOf(const std::string& status) {
    std::smatch match;
    const std::regex line("(\\d+) waiting for what they depend on \\((\\d+) bytes\\)");
    CPPUNIT_ASSERT_MESSAGE(status, std::regex_search(status, match, line));
    return {std::stoul(match[1]), std::stoul(match[2])};
}

// What the flood may add to the relay's memory: what waits (16 MiB) is kept in the database, not
// in memory, so the growth is parsing and SQLite's cache. Under AddressSanitizer (the daemon is
// built the same way as this test) freed memory is held in a quarantine of up to 256 MiB.
#if defined(__SANITIZE_ADDRESS__)
constexpr std::size_t kGrowthBoundKiB = (96 + 256) * 1024;
#else
constexpr std::size_t kGrowthBoundKiB = 96 * 1024;
#endif

int connectUnix(const std::filesystem::path& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}
}  // namespace

class AbuseQueueTest : public PlainRelayFixture {
    CPPUNIT_TEST_SUITE(AbuseQueueTest);
    CPPUNIT_TEST(aFloodOfMessagesThatMustWaitStaysWithinItsBounds);
    CPPUNIT_TEST(idleAdminConnectionsDoNotKeepTheOperatorOut);
    CPPUNIT_TEST_SUITE_END();

public:
    AbuseQueueTest() : PlainRelayFixture("relaysync-abuse-queue-") {}

    void aFloodOfMessagesThatMustWaitStaysWithinItsBounds() {
        const auto& listen = cluster_->node("relay").profile.transport.config.at("listen");
        const auto port = static_cast<std::uint16_t>(std::stoi(listen.substr(listen.rfind(':') + 1)));
        const auto pid = cluster_->pid("relay");
        const auto rss_before = residentKiB(pid);

        auto flooder = RawPeer::plain(port);
        CPPUNIT_ASSERT(flooder.readFrame(5s));  // the relay's HELLO
        flooder.send(encodeFrame(FrameKind::hello, "relay-server2@net"));
        const std::string padding(1024 * 1024, 'p');
        std::size_t acknowledged = 0, sent = 0;
        for (std::uint64_t n = 1; n <= 40; ++n) {
            core::Message message;
            message.type = core::MessageType::update_resource_info;
            message.id = "relay-server2@net#flood." + std::to_string(n);
            message.from = "relay-server2@net";
            message.to = "relay-server1@net";
            message.body = new Poco::JSON::Object;
            message.body->set("share_id", "20260101000000client21@relay-server2.net");
            message.body->set("entries", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
            message.body->set("padding", padding);
            if (!flooder.send(frameOf(n, core::encode(message)))) break;
            ++sent;
            // Taken messages are acknowledged; one over a bound is not (its sender keeps it).
            const auto frame = flooder.readFrame(3s);
            if (frame && frame->first == static_cast<std::uint8_t>(FrameKind::ack)) ++acknowledged;
            else break;
        }
        const auto [waiting, bytes] = deferredOf(succeeds({"status"}));
        const auto rss_after = residentKiB(pid);
        std::cout << "\n  flood of 1 MiB messages that must wait: " << sent << " sent, " << acknowledged
                  << " taken; " << waiting << " waiting (" << bytes << " bytes; bounds 50 and 16777216 per sender);"
                  << " relay RSS " << rss_before << " -> " << rss_after << " KiB (bound +" << kGrowthBoundKiB << ")";
        CPPUNIT_ASSERT(acknowledged >= 10 && acknowledged < 40);
        CPPUNIT_ASSERT_EQUAL(acknowledged, waiting);
        CPPUNIT_ASSERT(bytes <= 16u * 1024 * 1024);
        CPPUNIT_ASSERT_MESSAGE("the relay's memory grew with what waits", rss_after < rss_before + kGrowthBoundKiB);
        // The relay said why, naming the sender.
        std::ifstream file(dir_ / "relay.log");
        const std::string log((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        CPPUNIT_ASSERT(log.find("did not take update-resource-info relay-server2@net#flood.") != std::string::npos);
    }

    void idleAdminConnectionsDoNotKeepTheOperatorOut() {
        const auto socket = cluster_->node("relay").admin_socket;
        std::vector<int> idle;
        for (int n = 0; n < 60; ++n)
            if (const int fd = connectUnix(socket); fd >= 0) idle.push_back(fd);
        const auto started = std::chrono::steady_clock::now();
        const auto status = succeeds({"--timeout", "5", "status"});
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        std::cout << "\n  " << idle.size() << " idle admin connections held: status answered in " << took.count()
                  << " ms (bound 5000)";
        CPPUNIT_ASSERT(status.find("relay-server1@net") != std::string::npos);
        CPPUNIT_ASSERT(took < 5s);
        for (const int fd : idle) ::close(fd);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(AbuseQueueTest);

}  // namespace relaysync::e2e
