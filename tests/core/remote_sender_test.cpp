// RemoteSender, the remote-access lane's way out (docs/protocol.md §4.7): order kept per
// destination, a destination that does not take its payloads holds up only its own, what cannot
// be sent is reported on the sender's thread, and the bytes waiting are bounded.
#include <cppunit/extensions/HelperMacros.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>

#include "core_test_support.h"
#include "remote/remote_sender.h"

namespace relaysync::core::coretest {

namespace {

// Records what it is given; `blocked` peers hold send() until released, `down` ones fail.
class RecordingTransport final : public sdk::Transport {
public:
    sdk::Status start(const std::string&, sdk::TransportListener&) override { return sdk::Status::ok(); }
    sdk::Status send(const std::string& to, const std::string& payload) override {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !blocked_.count(to); });
        if (down_.count(to)) return sdk::Status::unreachable(to + " is down");
        sent_[to].push_back(payload);
        changed_.notify_all();
        return sdk::Status::ok();
    }
    std::size_t maxPayloadBytes() const override { return 8 << 20; }
    sdk::Reachability reachability(const std::string&) const override { return sdk::Reachability::reachable; }
    void stop() override {}

    void block(const std::string& peer) { set([&] { blocked_.insert(peer); }); }
    void releaseAll() { set([&] { blocked_.clear(); }); }
    void release(const std::string& peer) { set([&] { blocked_.erase(peer); }); }
    void down(const std::string& peer) { set([&] { down_.insert(peer); }); }
    std::vector<std::string> waitSent(const std::string& peer, std::size_t count) {
        std::unique_lock lock(mutex_);
        CPPUNIT_ASSERT(changed_.wait_for(lock, std::chrono::seconds(10), [&] { return sent_[peer].size() >= count; }));
        return sent_[peer];
    }

private:
    template <class Change>
    void set(Change change) {
        std::lock_guard lock(mutex_);
        change();
        changed_.notify_all();
    }
    std::mutex mutex_;
    std::condition_variable changed_;
    std::set<std::string> blocked_, down_;
    std::map<std::string, std::vector<std::string>> sent_;
};

// Collects the reasons `failed` is told, from any thread.
class Failures {
public:
    RemoteSender::Failed callback() {
        return [this](const std::string& reason) {
            std::lock_guard lock(mutex_);
            reasons_.push_back(reason);
            arrived_.notify_all();
        };
    }
    std::vector<std::string> wait(std::size_t count) {
        std::unique_lock lock(mutex_);
        CPPUNIT_ASSERT(arrived_.wait_for(lock, std::chrono::seconds(10), [&] { return reasons_.size() >= count; }));
        return reasons_;
    }

private:
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::vector<std::string> reasons_;
};

// Releases every blocked peer before the sender it outlives joins its threads, even when an
// assertion ends the test early.
struct ReleaseAtEnd {
    RecordingTransport& transport;
    ~ReleaseAtEnd() { transport.releaseAll(); }
};

}  // namespace

class RemoteSenderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RemoteSenderTest);
    CPPUNIT_TEST(keepsTheOrderPerDestination);
    CPPUNIT_TEST(aSlowPeerHoldsUpOnlyItsOwn);
    CPPUNIT_TEST(whatCannotBeSentIsReported);
    CPPUNIT_TEST(bytesWaitingAreBounded);
    CPPUNIT_TEST_SUITE_END();

public:
    void keepsTheOrderPerDestination() {
        RecordingTransport transport;
        RemoteSender sender(transport, 1 << 20);
        for (int i = 0; i < 100; ++i) sender.send("r2@net", std::to_string(i));
        const auto sent = transport.waitSent("r2@net", 100);
        for (int i = 0; i < 100; ++i) CPPUNIT_ASSERT_EQUAL(std::to_string(i), sent[static_cast<std::size_t>(i)]);
    }

    void aSlowPeerHoldsUpOnlyItsOwn() {
        RecordingTransport transport;
        RemoteSender sender(transport, 1 << 20);
        ReleaseAtEnd release{transport};
        transport.block("slow@net");
        sender.send("slow@net", "a");
        sender.send("fast@net", "b");
        CPPUNIT_ASSERT_EQUAL(std::string("b"), transport.waitSent("fast@net", 1).front());
        transport.release("slow@net");
        CPPUNIT_ASSERT_EQUAL(std::string("a"), transport.waitSent("slow@net", 1).front());
    }

    void whatCannotBeSentIsReported() {
        RecordingTransport transport;
        RemoteSender sender(transport, 1 << 20);
        transport.down("gone@net");
        Failures failures;
        sender.send("gone@net", "x", failures.callback());
        RS_ASSERT_CONTAINS(failures.wait(1).front(), "gone@net is down");
    }

    void bytesWaitingAreBounded() {
        RecordingTransport transport;
        RemoteSender sender(transport, 10);
        ReleaseAtEnd release{transport};
        transport.block("r3@net");
        Failures failures;
        sender.send("r3@net", std::string(6, 'a'), failures.callback());
        sender.send("r3@net", std::string(6, 'b'), failures.callback());  // 12 > 10: not taken
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), sender.queuedBytes());
        transport.release("r3@net");
        CPPUNIT_ASSERT_EQUAL(std::string(6, 'a'), transport.waitSent("r3@net", 1).front());
        // Told in order, behind what was queued before it.
        RS_ASSERT_CONTAINS(failures.wait(1).front(), "queue is full");
        CPPUNIT_ASSERT_EQUAL(std::size_t(6), sender.peakBytes());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RemoteSenderTest);

}  // namespace relaysync::core::coretest
