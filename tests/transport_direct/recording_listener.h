#pragma once
// A transport listener that records what it is told, can be slow on purpose, and lets a test
// wait (with a deadline) for what it expects.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "relaysync/sdk/transport.h"

namespace relaysync::tests {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Received {
    std::string from;
    std::string payload;
    sdk::PeerIdentity identity;  // as the transport proved it
};

class RecordingListener final : public sdk::TransportListener {
public:
    relaysync::sdk::Status onMessage(const sdk::PeerIdentity& from, const std::string& payload) override;
    void onReachabilityChanged(const std::string& account, bool reachable) override;

    // onMessage sleeps this long before it records the message and returns.
    void setDelay(milliseconds delay);
    // The next `count` messages are not taken (onMessage returns an error, records nothing).
    void refuseNext(std::size_t count);

    bool waitForMessages(std::size_t count, milliseconds timeout) const;
    // Waits until the latest reachability event for `account` is `reachable`.
    bool waitForReachability(const std::string& account, bool reachable, milliseconds timeout) const;

    std::vector<Received> messages() const;
    std::vector<std::pair<std::string, bool>> reachabilityEvents() const;
    std::size_t callCount() const;  // every listener call so far
    std::size_t messageCallCount() const;  // onMessage calls so far, taken or not, returned or not
    // When the last onMessage call was about to return.
    Clock::time_point lastReturn() const;

private:
    bool waitFor(const std::function<bool()>& condition, milliseconds timeout) const;

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    milliseconds delay_{0};
    std::size_t refuse_ = 0;
    std::vector<Received> messages_;
    std::vector<std::pair<std::string, bool>> events_;
    std::size_t calls_ = 0;
    std::size_t message_calls_ = 0;
    Clock::time_point last_return_{};
};

// Polls `condition` until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition, milliseconds timeout);

}  // namespace relaysync::tests
