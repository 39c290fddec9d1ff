// A relay daemon under a continuing flood of idle sockets and slow-loris handshakes from many
// addresses, with its default limits: a terminal restarted in the middle of it reconnects, a
// synchronize across the sites completes, and the relay's descriptors come back once the
// attackers are gone. The attack tools are the transport suite's (tests/transport_direct).
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

#include "../transport_direct/attack_sockets.h"
#include "cluster/wait.h"
#include "e2e_site.h"

namespace relaysync::e2e {

using namespace cluster::four_site;
using relaysync::tests::AttackSocket;

namespace {

std::size_t descriptorsOf(pid_t pid) {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) ++count;
    return count;
}

std::size_t linesMatching(const std::string& text, const std::string& pattern) {
    const std::regex expression(pattern);
    std::istringstream lines(text);
    std::size_t count = 0;
    for (std::string line; std::getline(lines, line);) count += std::regex_search(line, expression) ? 1 : 0;
    return count;
}

// Idle sockets from 127.0.0.2-41, one every 2 ms, the newest 400 kept open; 40 sockets from
// 127.0.0.42-49 dribbling a ClientHello a byte every 50 ms, replaced when the relay cuts them off.
class Attack {
public:
    explicit Attack(std::uint16_t port) : port_(port), thread_([this] { run(); }) {}
    ~Attack() { stop(); }
    void stop() {
        attacking_ = false;
        if (thread_.joinable()) thread_.join();
    }
    std::size_t idleOpened() const { return idle_opened_; }
    std::size_t lorisesOpened() const { return lorises_opened_; }

private:
    void run() {
        const std::string hello = tests::tlsClientHello();
        std::vector<AttackSocket> idle(400);
        std::vector<std::pair<AttackSocket, std::size_t>> lorises(40);  // socket, bytes sent
        for (std::size_t n = 0; attacking_; ++n) {
            try {
                idle[n % idle.size()] = AttackSocket::connectFrom("127.0.0." + std::to_string(2 + n % 40), port_);
                ++idle_opened_;
                if (n % 25 == 0) {
                    for (std::size_t i = 0; i < lorises.size(); ++i) {
                        auto& [socket, sent] = lorises[i];
                        if (!socket.open() || socket.closedByPeer() || sent == hello.size()) {
                            socket = AttackSocket::connectFrom("127.0.0." + std::to_string(42 + i % 8), port_);
                            sent = 0;
                            ++lorises_opened_;
                        } else if (socket.trySend(hello.substr(sent, 1))) {
                            ++sent;
                        }
                    }
                }
            } catch (const std::exception&) {
                // the system's own limits: go on
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the attack's pace, not a wait
        }
    }

    const std::uint16_t port_;
    std::atomic<bool> attacking_{true};
    std::atomic<std::size_t> idle_opened_{0};
    std::atomic<std::size_t> lorises_opened_{0};
    std::thread thread_;
};

}  // namespace

class AbuseFloodTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AbuseFloodTest);
    CPPUNIT_TEST(aRelayUnderAFloodStillServesItsSites);
    CPPUNIT_TEST_SUITE_END();

public:
    void tearDown() override { site_.reset(); }

    void aRelayUnderAFloodStillServesItsSites() {
        site_ = std::make_unique<E2eSite>();
        site_->formGroupsAndShare();
        auto& cluster = site_->cluster();
        const pid_t relay = cluster.pid(R1);
        const std::size_t descriptors_before = descriptorsOf(relay);
        const auto offset = cluster.logText(R1).size();

        const auto attack_started = std::chrono::steady_clock::now();
        Attack attack(site_->listenPort(R1));
        // Under way long enough that the relay has cut off the first 40 lorises (3 s) and they came back.
        cluster::waitUntil("the relay cut off the first slow-loris sockets", 30s, [&] {
            return attack.lorisesOpened() >= 80 ? "" : std::to_string(attack.lorisesOpened()) + " opened so far";
        });
        const std::size_t descriptors_attacked = descriptorsOf(relay);

        // C11 restarts and has to come back through the flood, then starts a synchronize.
        const auto started = std::chrono::steady_clock::now();
        const auto c11_log = cluster.logText(C11).size();
        CPPUNIT_ASSERT(cluster.stop(C11));
        cluster.start(C11);
        // Through the flood within a bound (15 s): a synchronize issued before would report R1
        // unreachable, as it should.
        waitForLogLine(*site_, C11, c11_log, "connected with " + R1);
        const auto budget_size = site_->scenario().changeEntities();
        const auto report = site_->scenario().synchronize(C11, site_->ids().workspace1);
        CPPUNIT_ASSERT_MESSAGE(joined(report.unreachable_nodes), report.unreachable_nodes.empty());
        waitConverged(*site_, "the synchronize under the flood reached everyone", site_->ids().workspace1,
                      site_->scenario().afterChange(budget_size));
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        attack.stop();
        const std::size_t idle = attack.idleOpened();
        const std::size_t lorises = attack.lorisesOpened();
        const auto attacked = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - attack_started);

        // The attackers' sockets are closed with the Attack's thread; the relay drops the rest
        // within connect_timeout_ms (3 s). The margin is for the admin connections the test's
        // own status polling opens.
        const std::size_t bound = descriptors_before + 16;
        cluster::waitUntil("the relay's descriptors are back to at most " + std::to_string(bound), 30s, [&] {
            const std::size_t now = descriptorsOf(relay);
            return now <= bound ? "" : std::to_string(now) + " open";
        });
        const std::size_t descriptors_after = descriptorsOf(relay);

        const std::string log = site_->logSince(R1, offset);
        const std::size_t drop_lines = linesMatching(log, "dropped the connection with 127\\.0\\.0\\.");
        const std::size_t cut_lines = linesMatching(log, "refused the connection with 127\\.0\\.0\\.\\S+ \\(account not yet known\\)");
        std::cout << "\n  relay-server1 under a flood for " << attacked.count() << " ms: " << idle
                  << " idle sockets from 40 addresses and " << lorises << " slow-loris sockets from 8 more; client11 restarted, reconnected and synchronized across the "
                     "sites in "
                  << took.count() << " ms; relay descriptors " << descriptors_before << " before, "
                  << descriptors_attacked << " under attack, " << descriptors_after << " after (bound " << bound
                  << "); log lines about the attackers: " << drop_lines << " drops, " << cut_lines
                  << " refusals (warnings_per_source 20 per address per minute)" << std::endl;
        CPPUNIT_ASSERT(descriptors_attacked <= descriptors_before + 128 + 16);  // max_handshakes
        CPPUNIT_ASSERT(descriptors_after <= bound);
        CPPUNIT_ASSERT(drop_lines > 0);
        CPPUNIT_ASSERT(drop_lines + cut_lines <= 48 * 20);
    }

private:
    std::unique_ptr<E2eSite> site_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AbuseFloodTest);

}  // namespace relaysync::e2e
