// The in-process network that demos and scenario tests run on: delivery one at a time, offline
// nodes, duplication and reordering on request, and counting what it carries.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <functional>

#include "core_test_support.h"
#include "runtime/in_process_network.h"

namespace relaysync::core::coretest {

namespace {
const std::string kA = "a@net";
const std::string kB = "b@net";
const std::string kC = "c@net";

class Recorder final : public sdk::TransportListener {
public:
    sdk::Status onMessage(const sdk::PeerIdentity& from, const std::string& payload) override {
        received.push_back({from.account, payload});
        roles.push_back(from.role);
        if (reply) reply(from.account, payload);
        return sdk::Status::ok();
    }
    void onReachabilityChanged(const std::string& account, bool reachable) override {
        changes.push_back(account + (reachable ? " up" : " down"));
    }

    std::vector<std::pair<std::string, std::string>> received;
    std::vector<sdk::PeerRole> roles;
    std::vector<std::string> changes;
    std::function<void(const std::string&, const std::string&)> reply;
};
}  // namespace

class InProcessNetworkTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(InProcessNetworkTest);
    CPPUNIT_TEST(transportStartsOnlyAsItsOwnAccount);
    CPPUNIT_TEST(deliversInSendingOrderWhenRun);
    CPPUNIT_TEST(sendingToAnUnknownAccountIsUnreachable);
    CPPUNIT_TEST(offlineNodeHoldsQueuedMessagesUntilBackOnline);
    CPPUNIT_TEST(offlineNodeCannotSendAndCannotBeSentTo);
    CPPUNIT_TEST(goingOnlineOrOfflineTellsTheOthers);
    CPPUNIT_TEST(stoppedNodeKeepsItsQueueForItsNextTransport);
    CPPUNIT_TEST(duplicateDeliversEveryMessageTwiceButCountsItOnce);
    CPPUNIT_TEST(shuffleReordersDeterministicallyBySeed);
    CPPUNIT_TEST(messagesSentDuringARunAreDeliveredInIt);
    CPPUNIT_TEST(runStopsAtItsLimit);
    CPPUNIT_TEST(carriedCountsUntilCleared);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        network_ = std::make_unique<InProcessNetwork>();
        a_ = network_->transportFor(kA);
        b_ = network_->transportFor(kB);
        c_ = network_->transportFor(kC);
        CPPUNIT_ASSERT(a_->start(kA, ra_).isOk());
        CPPUNIT_ASSERT(b_->start(kB, rb_).isOk());
        CPPUNIT_ASSERT(c_->start(kC, rc_).isOk());
    }
    void tearDown() override {
        a_.reset();
        b_.reset();
        c_.reset();
        network_.reset();
    }

    void transportStartsOnlyAsItsOwnAccount() {
        auto transport = network_->transportFor("d@net");
        Recorder listener;
        const auto status = transport->start("e@net", listener);
        CPPUNIT_ASSERT(status.code() == sdk::StatusCode::invalid_argument);
        CPPUNIT_ASSERT(network_->reachability("d@net") == sdk::Reachability::unreachable);
        CPPUNIT_ASSERT(network_->reachability("e@net") == sdk::Reachability::unreachable);
    }

    void deliversInSendingOrderWhenRun() {
        CPPUNIT_ASSERT(a_->send(kB, "1").isOk());
        CPPUNIT_ASSERT(c_->send(kB, "2").isOk());
        CPPUNIT_ASSERT(a_->send(kB, "3").isOk());
        CPPUNIT_ASSERT(rb_.received.empty());  // nothing moves until run()
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, network_->run());
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, rb_.received.size());
        CPPUNIT_ASSERT_EQUAL(kA, rb_.received[0].first);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), rb_.received[0].second);
        CPPUNIT_ASSERT_EQUAL(kC, rb_.received[1].first);
        CPPUNIT_ASSERT_EQUAL(std::string("3"), rb_.received[2].second);
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, network_->run());
    }

    void sendingToAnUnknownAccountIsUnreachable() {
        const auto status = a_->send("nobody@net", "x");
        CPPUNIT_ASSERT(status.isUnreachable());
        CPPUNIT_ASSERT(a_->reachability("nobody@net") == sdk::Reachability::unreachable);
        CPPUNIT_ASSERT(a_->reachability(kB) == sdk::Reachability::reachable);
        CPPUNIT_ASSERT(network_->carried().empty());
    }

    void offlineNodeHoldsQueuedMessagesUntilBackOnline() {
        CPPUNIT_ASSERT(a_->send(kB, "for b").isOk());
        CPPUNIT_ASSERT(a_->send(kC, "for c").isOk());
        network_->setOnline(kB, false);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, network_->run());
        CPPUNIT_ASSERT(rb_.received.empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, rc_.received.size());
        network_->setOnline(kB, true);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, network_->run());
        CPPUNIT_ASSERT_EQUAL(std::string("for b"), rb_.received.at(0).second);
    }

    void offlineNodeCannotSendAndCannotBeSentTo() {
        network_->setOnline(kB, false);
        CPPUNIT_ASSERT(b_->send(kA, "x").isUnreachable());
        CPPUNIT_ASSERT(a_->send(kB, "y").isUnreachable());
        CPPUNIT_ASSERT(a_->reachability(kB) == sdk::Reachability::unreachable);
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, network_->run());
        CPPUNIT_ASSERT(network_->carried().empty());
    }

    void goingOnlineOrOfflineTellsTheOthers() {
        network_->setOnline(kB, false);
        CPPUNIT_ASSERT((ra_.changes == std::vector<std::string>{"b@net down"}));
        CPPUNIT_ASSERT((rc_.changes == std::vector<std::string>{"b@net down"}));
        CPPUNIT_ASSERT(rb_.changes.empty());
        network_->setOnline(kB, true);
        CPPUNIT_ASSERT_EQUAL(std::string("b@net up"), ra_.changes.back());
        // The node coming back hears who is there.
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, rb_.changes.size());
        CPPUNIT_ASSERT(std::count(rb_.changes.begin(), rb_.changes.end(), "a@net up") == 1);
        CPPUNIT_ASSERT(std::count(rb_.changes.begin(), rb_.changes.end(), "c@net up") == 1);
    }

    void stoppedNodeKeepsItsQueueForItsNextTransport() {
        CPPUNIT_ASSERT(a_->send(kB, "queued").isOk());
        b_->stop();
        CPPUNIT_ASSERT(network_->reachability(kB) == sdk::Reachability::unreachable);
        CPPUNIT_ASSERT_EQUAL(std::size_t{0}, network_->run());
        Recorder restarted;
        auto again = network_->transportFor(kB);
        CPPUNIT_ASSERT(again->start(kB, restarted).isOk());
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, network_->run());
        CPPUNIT_ASSERT_EQUAL(std::string("queued"), restarted.received.at(0).second);
        CPPUNIT_ASSERT(rb_.received.empty());
        again.reset();  // destroying a transport detaches it too
        CPPUNIT_ASSERT(network_->reachability(kB) == sdk::Reachability::unreachable);
    }

    void duplicateDeliversEveryMessageTwiceButCountsItOnce() {
        network_->setDuplicate(true);
        CPPUNIT_ASSERT(a_->send(kB, "twice").isOk());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, network_->run());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, rb_.received.size());
        CPPUNIT_ASSERT(rb_.received[0] == rb_.received[1]);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, network_->carried().size());
        network_->setDuplicate(false);
        CPPUNIT_ASSERT(a_->send(kB, "once").isOk());
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, network_->run());
    }

    // Shuffling interleaves links at random, by seed; each link keeps its order.
    void shuffleReordersDeterministicallyBySeed() {
        auto deliveredOrder = [&](std::optional<unsigned> seed) {
            network_->setShuffle(seed);
            rb_.received.clear();
            for (int i = 0; i < 15; ++i) {
                CPPUNIT_ASSERT(a_->send(kB, "a" + std::to_string(i)).isOk());
                CPPUNIT_ASSERT(c_->send(kB, "c" + std::to_string(i)).isOk());
            }
            network_->run();
            std::vector<std::string> order;
            for (const auto& [from, bytes] : rb_.received) order.push_back(bytes);
            return order;
        };
        const auto fifo = deliveredOrder(std::nullopt);
        const auto first = deliveredOrder(7u);
        const auto second = deliveredOrder(7u);
        CPPUNIT_ASSERT_EQUAL(std::size_t{30}, first.size());
        CPPUNIT_ASSERT(first != fifo);
        CPPUNIT_ASSERT(first == second);
        CPPUNIT_ASSERT(std::is_permutation(first.begin(), first.end(), fifo.begin(), fifo.end()));
        for (const char sender : {'a', 'c'}) {
            int next = 0;
            for (const auto& bytes : first)
                if (bytes[0] == sender) CPPUNIT_ASSERT_EQUAL(std::string(1, sender) + std::to_string(next++), bytes);
        }
        CPPUNIT_ASSERT(deliveredOrder(std::nullopt) == fifo);
    }

    void messagesSentDuringARunAreDeliveredInIt() {
        rb_.reply = [&](const std::string& from, const std::string& bytes) {
            if (bytes == "ping") CPPUNIT_ASSERT(b_->send(from, "pong").isOk());
        };
        CPPUNIT_ASSERT(a_->send(kB, "ping").isOk());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, network_->run());
        CPPUNIT_ASSERT_EQUAL(std::string("pong"), ra_.received.at(0).second);
        CPPUNIT_ASSERT_EQUAL(kB, ra_.received.at(0).first);
    }

    void runStopsAtItsLimit() {
        for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT(a_->send(kB, std::to_string(i)).isOk());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, network_->run(2));
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, rb_.received.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, network_->run());
    }

    void carriedCountsUntilCleared() {
        CPPUNIT_ASSERT(a_->send(kB, "1").isOk());
        CPPUNIT_ASSERT(b_->send(kC, "2").isOk());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, network_->carried().size());
        CPPUNIT_ASSERT_EQUAL(kB, network_->carried()[0].to);
        CPPUNIT_ASSERT_EQUAL(kB, network_->carried()[1].from);
        network_->clearCarried();
        CPPUNIT_ASSERT(network_->carried().empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, network_->run());  // clearing the count delivers anyway
        CPPUNIT_ASSERT(network_->carried().empty());
    }

private:
    std::unique_ptr<InProcessNetwork> network_;
    Recorder ra_, rb_, rc_;
    std::shared_ptr<sdk::Transport> a_, b_, c_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(InProcessNetworkTest);

}  // namespace relaysync::core::coretest
