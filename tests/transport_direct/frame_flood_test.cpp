// Large frames from several authenticated clients at once. Frames over max_frame_bytes are
// refused from their header, before anything of their size is allocated; frames within it take
// room from max_buffered_bytes before their body is stored, so that however many arrive at
// once, the relay holds at most that much, and every one is still delivered.

#include <fstream>
#include <thread>

#include "abuse_fixture.h"

namespace relaysync::tests {

namespace {

constexpr std::size_t kMiB = 1024 * 1024;

// A field of /proc/self/status in kB, e.g. "VmSize".
std::size_t statusKb(const std::string& field) {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind(field + ":", 0) == 0) return std::stoul(line.substr(field.size() + 1));
    return 0;
}

// Two clients for each of relay-a, relay-c and client-b@relay-b.net.
const std::vector<std::string> kAccounts = {"relay-a@net", "relay-a@net", "relay-c@net",
                                            "relay-c@net", "client-b@relay-b.net", "client-b@relay-b.net"};

std::string bigEndian(std::uint64_t value, int bytes) {
    std::string out;
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
    return out;
}

}  // namespace

class FrameFloodTest : public AbuseFixture {
    CPPUNIT_TEST_SUITE(FrameFloodTest);
    CPPUNIT_TEST(oversizedFramesFromSeveralClientsAtOnceAreRefusedBeforeAllocation);
    CPPUNIT_TEST(largeFramesFromSeveralClientsAtOnceWaitForTheBufferBudget);
    CPPUNIT_TEST_SUITE_END();

    Node& relayWithFrameLimits() {
        return startNode("relay-b@net",
                         limitedConfig("relay-b@net", {{"max_frame_bytes", std::to_string(kMiB)},
                                                       {"max_buffered_bytes", std::to_string(2 * kMiB)}}),
                         freePort());
    }

    std::vector<RawClient> greetedClients(std::uint16_t port) {
        std::vector<RawClient> clients;
        for (const auto& account : kAccounts) clients.push_back(greeted(account, port));
        return clients;
    }

public:
    // Six clients each announce a 1 GiB MESSAGE at the same moment and keep sending: each is
    // closed, the log names each account, the process did not grow by anything like 1 GiB, and
    // no room was ever taken from the budget.
    void oversizedFramesFromSeveralClientsAtOnceAreRefusedBeforeAllocation() {
        Node& relay = relayWithFrameLimits();
        auto clients = greetedClients(relay.port);
        const std::size_t vm_before = statusKb("VmSize");
        const std::string header = bigEndian(std::uint64_t(1) << 30, 4) + static_cast<char>(WireType::message);
        const std::string junk(64 * 1024, 'x');

        std::vector<std::thread> senders;
        std::vector<int> closed(clients.size(), 0);
        for (std::size_t i = 0; i < clients.size(); ++i)
            senders.emplace_back([&, i] {
                try {
                    clients[i].send(header);
                    for (int k = 0; k < 16; ++k) clients[i].send(junk);
                } catch (const std::exception&) {
                    // closed while sending: what should happen
                }
                closed[i] = clients[i].closedWithin(kWait) ? 1 : 0;
            });
        for (auto& sender : senders) sender.join();
        const std::size_t vm_growth_kb = statusKb("VmSize") - std::min(statusKb("VmSize"), vm_before);

        for (std::size_t i = 0; i < clients.size(); ++i) CPPUNIT_ASSERT_MESSAGE(kAccounts[i], closed[i] == 1);
        for (const auto& account : {"relay-a@net", "relay-c@net", "client-b@relay-b.net"})
            ASSERT_LOGGED(Poco::Message::PRIO_WARNING, std::string("refused the connection with ") + account,
                          "frame of 1073741824 bytes exceeds max_frame_bytes (1048576)");
        // The client may see its connection closed a moment before the relay logs why.
        const auto refusals_logged = [&] { return log->linesWith({"frame of 1073741824 bytes exceeds max_frame_bytes"}).size(); };
        eventually([&] { return refusals_logged() >= clients.size(); }, kWait);
        const std::size_t refusals = refusals_logged();
        // The relay still serves a peer.
        const milliseconds took = legitimatePeerDelivers(relay, "after the oversized frames");
        const std::size_t peak = numberBefore(stopAndReadPeaks(relay), " bytes of frames were held");
        std::cout << "\n  oversized frames: " << clients.size() << " clients announced 1 GiB at once; " << refusals
                  << " refused from the header; buffered at most " << peak << " bytes; the process's virtual size grew by "
                  << vm_growth_kb / 1024 << " MiB; a peer then delivered in " << took.count() << " ms" << std::endl;
        CPPUNIT_ASSERT_EQUAL(clients.size(), refusals);
        CPPUNIT_ASSERT(peak < kMiB);  // only the small frames of the peer's delivery
        CPPUNIT_ASSERT(vm_growth_kb < 1024 * 1024);  // one of them allocating 1 GiB would show
    }

    // Six clients send two frames of 0.9 MiB each at once to a relay whose listener is slow:
    // the relay holds at most max_buffered_bytes (2 MiB) of them, readers wait for room (logged),
    // and all twelve messages are delivered and acknowledged.
    void largeFramesFromSeveralClientsAtOnceWaitForTheBufferBudget() {
        constexpr int kFramesEach = 2;
        Node& relay = relayWithFrameLimits();
        relay.listener->setDelay(milliseconds(100));
        auto clients = greetedClients(relay.port);
        const std::string payload(900 * 1024, 'p');

        std::vector<std::thread> senders;
        std::vector<int> acknowledged(clients.size(), 0);
        const auto started = Clock::now();
        for (std::size_t i = 0; i < clients.size(); ++i)
            senders.emplace_back([&, i] {
                for (int k = 1; k <= kFramesEach; ++k) clients[i].send(wireMessage(k, payload));
                for (auto frame = clients[i].readFrame(kWait); frame && acknowledged[i] < kFramesEach;
                     frame = acknowledged[i] < kFramesEach ? clients[i].readFrame(kWait) : std::nullopt)
                    if (frame->first == static_cast<std::uint8_t>(WireType::ack)) ++acknowledged[i];
            });
        for (auto& sender : senders) sender.join();
        const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - started);

        const std::size_t total = clients.size() * kFramesEach;
        CPPUNIT_ASSERT(relay.listener->waitForMessages(total, kWait));
        for (std::size_t i = 0; i < clients.size(); ++i)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(kAccounts[i], kFramesEach, acknowledged[i]);
        ASSERT_LOGGED(Poco::Message::PRIO_WARNING, "reading a frame of", "waits for room",
                      "max_buffered_bytes (2097152)");
        const std::size_t waits = log->linesWith({"waits for room"}).size();
        const std::size_t peak = numberBefore(stopAndReadPeaks(relay), " bytes of frames were held");
        std::cout << "\n  large frames: " << clients.size() << " clients x " << kFramesEach << " frames of "
                  << payload.size() << " bytes at once, listener taking 100 ms each: all " << total
                  << " delivered and acknowledged in " << took.count() << " ms; at most " << peak
                  << " bytes held at once (max_buffered_bytes " << 2 * kMiB << "); " << waits
                  << " readers had to wait for room" << std::endl;
        CPPUNIT_ASSERT(peak <= 2 * kMiB);
        CPPUNIT_ASSERT(peak > kMiB);  // the budget was used, not bypassed
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FrameFloodTest);

}  // namespace relaysync::tests
