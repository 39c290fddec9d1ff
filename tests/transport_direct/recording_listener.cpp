#include "recording_listener.h"

#include <thread>

namespace relaysync::tests {

relaysync::sdk::Status RecordingListener::onMessage(const sdk::PeerIdentity& from, const std::string& payload) {
    milliseconds delay;
    {
        std::lock_guard lock(mutex_);
        ++calls_;
        ++message_calls_;
        delay = delay_;
        if (refuse_ > 0) {
            --refuse_;
            return relaysync::sdk::Status::ioError("the test's listener refused it");
        }
    }
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    std::lock_guard lock(mutex_);
    messages_.push_back({from.account, payload, from});
    last_return_ = Clock::now();
    changed_.notify_all();
    return relaysync::sdk::Status::ok();
}

void RecordingListener::onReachabilityChanged(const std::string& account, bool reachable) {
    std::lock_guard lock(mutex_);
    ++calls_;
    events_.emplace_back(account, reachable);
    changed_.notify_all();
}

void RecordingListener::refuseNext(std::size_t count) {
    std::lock_guard lock(mutex_);
    refuse_ = count;
}

void RecordingListener::setDelay(milliseconds delay) {
    std::lock_guard lock(mutex_);
    delay_ = delay;
}

bool RecordingListener::waitFor(const std::function<bool()>& condition, milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, condition);
}

bool RecordingListener::waitForMessages(std::size_t count, milliseconds timeout) const {
    return waitFor([&] { return messages_.size() >= count; }, timeout);
}

bool RecordingListener::waitForReachability(const std::string& account, bool reachable, milliseconds timeout) const {
    return waitFor(
        [&] {
            for (auto event = events_.rbegin(); event != events_.rend(); ++event)
                if (event->first == account) return event->second == reachable;
            return false;
        },
        timeout);
}

std::vector<Received> RecordingListener::messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
}

std::vector<std::pair<std::string, bool>> RecordingListener::reachabilityEvents() const {
    std::lock_guard lock(mutex_);
    return events_;
}

std::size_t RecordingListener::callCount() const {
    std::lock_guard lock(mutex_);
    return calls_;
}

std::size_t RecordingListener::messageCallCount() const {
    std::lock_guard lock(mutex_);
    return message_calls_;
}

Clock::time_point RecordingListener::lastReturn() const {
    std::lock_guard lock(mutex_);
    return last_return_;
}

bool eventually(const std::function<bool()>& condition, milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (condition()) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(milliseconds(10));
    }
}

}  // namespace relaysync::tests
