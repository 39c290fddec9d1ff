// The process runs out of file descriptors: the relay says so plainly, naming who it turned
// away and the numbers, instead of "I/O error"; it sheds those connections rather than spinning
// on them, and serves again as soon as descriptors are free.

#include <sys/resource.h>
#include <unistd.h>

#include "abuse_fixture.h"

namespace relaysync::tests {

namespace {

// Lowers this process's soft open-file limit for as long as it lives.
class LoweredDescriptorLimit {
public:
    explicit LoweredDescriptorLimit(std::size_t limit) {
        ::getrlimit(RLIMIT_NOFILE, &saved_);
        rlimit lowered = saved_;
        lowered.rlim_cur = limit;
        ::setrlimit(RLIMIT_NOFILE, &lowered);
    }
    ~LoweredDescriptorLimit() { restore(); }
    void restore() { ::setrlimit(RLIMIT_NOFILE, &saved_); }

private:
    rlimit saved_{};
};

}  // namespace

class DescriptorTest : public AbuseFixture {
    CPPUNIT_TEST_SUITE(DescriptorTest);
    CPPUNIT_TEST(runningOutOfDescriptorsIsSaidPlainlyAndSurvived);
    CPPUNIT_TEST(capsThatDoNotFitTheOpenFileLimitAreLowered);
    CPPUNIT_TEST(theOpenFileLimitIsRaisedAtStart);
    CPPUNIT_TEST_SUITE_END();

public:
    void theOpenFileLimitIsRaisedAtStart() {
        rlimit before{};
        ::getrlimit(RLIMIT_NOFILE, &before);
        if (before.rlim_max <= 256) return;  // nothing to raise here
        LoweredDescriptorLimit lowered(256);
        startNode("relay-b@net", tlsConfig("relay-b@net"), freePort());
        rlimit after{};
        ::getrlimit(RLIMIT_NOFILE, &after);
        std::cout << "\n  open-file limit at start: 256, raised to " << after.rlim_cur << " (hard limit "
                  << after.rlim_max << ")" << std::endl;
        // Up to the hard limit (with no hard limit: 2^20, the kernel's usual fs.nr_open).
        CPPUNIT_ASSERT(after.rlim_cur == before.rlim_max || (before.rlim_max == RLIM_INFINITY && after.rlim_cur > 256));
        ASSERT_LOGGED(Poco::Message::PRIO_INFORMATION,
                      "raised this process's open-file limit (RLIMIT_NOFILE) from 256 to " + std::to_string(after.rlim_cur));
    }

    // A million connections cannot fit in this process's limit: start says so and uses caps that
    // leave room for everything else.
    void capsThatDoNotFitTheOpenFileLimitAreLowered() {
        startNode("relay-b@net", limitedConfig("relay-b@net", {{"max_connections", "1000000"}}), freePort());
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        const auto lines = log->linesWith({"max_handshakes (128) and max_connections (1000000) do not fit in this "
                                           "process's open-file limit of " + std::to_string(limit.rlim_cur)});
        CPPUNIT_ASSERT_MESSAGE(log->text(), lines.size() == 1);
        // "...: using H and C; raise the limit ..."
        const std::size_t connections = numberBefore(lines[0], "; raise the limit");
        const std::size_t handshakes = numberBefore(lines[0], " and " + std::to_string(connections) + "; raise");
        std::cout << "\n  open-file limit " << limit.rlim_cur << ": max_handshakes 128 and max_connections 1000000 "
                  << "lowered to " << handshakes << " and " << connections << std::endl;
        CPPUNIT_ASSERT(handshakes + connections <= limit.rlim_cur - 64);
        CPPUNIT_ASSERT(handshakes >= 1 && connections >= 1);
    }

    void runningOutOfDescriptorsIsSaidPlainlyAndSurvived() {
        constexpr std::size_t kTurnedAway = 5;
        Node& relay = startNode("relay-b@net", tlsConfig("relay-b@net"), freePort());
        // Made now, connected once the process is at its limit: connecting takes no descriptor,
        // accepting does.
        std::vector<AttackSocket> sockets;
        for (std::size_t i = 0; i < kTurnedAway; ++i) sockets.push_back(AttackSocket::boundTo("127.0.0.9"));
        const std::size_t open = openDescriptorCount();
        // The limit bounds descriptor numbers, and a new descriptor takes the lowest free one:
        // a limit at that number leaves none, whatever gaps lie above.
        const int lowest_free = ::dup(0);
        ::close(lowest_free);
        {
            LoweredDescriptorLimit limit(static_cast<std::size_t>(lowest_free));  // nothing below may open a file
            for (auto& socket : sockets) socket.connectTo(relay.port);
            const bool logged = log->waitFor({"closed the connection from 127.0.0.9:", "at once: out of file descriptors (EMFILE"},
                                             kWait, Poco::Message::PRIO_WARNING);
            const bool all_closed = eventually([&] { return closedByPeer(sockets) == kTurnedAway; }, kWait);
            limit.restore();
            CPPUNIT_ASSERT_MESSAGE(log->text(), logged);
            CPPUNIT_ASSERT(all_closed);
        }
        const auto lines = log->linesWith({"out of file descriptors"});
        std::cout << "\n  out of descriptors at " << open << " open (limit " << lowest_free << "): " << closedByPeer(sockets) << " of " << kTurnedAway
                  << " connections shed at once; " << lines.size() << " line(s), e.g.\n    " << lines.front() << std::endl;
        CPPUNIT_ASSERT(log->linesWith({"I/O error"}).empty());

        sockets.clear();
        const milliseconds took = legitimatePeerDelivers(relay, "descriptors are back");
        const std::string peaks = stopAndReadPeaks(relay);
        std::cout << "  with descriptors back, a peer delivered in " << took.count() << " ms; "
                  << numberBefore(peaks, " closed for want of file descriptors") << " shed in all" << std::endl;
        CPPUNIT_ASSERT_EQUAL(kTurnedAway, numberBefore(peaks, " closed for want of file descriptors"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DescriptorTest);

}  // namespace relaysync::tests
