#pragma once
// The one thread that does every established connection's socket work (epoll): it waits for
// sockets to become readable or writable and for handlers' timers, and runs the tasks other
// threads post to it. Handlers run on this thread only and must never block, so a thousand
// connections cost one thread, not a thousand.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <thread>
#include <unordered_map>
#include <vector>

namespace relaysync::transport_direct {

class IoHandler {
public:
    virtual ~IoHandler() = default;
    // `events`: EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP as epoll reported them.
    virtual void onReady(std::uint32_t events) = 0;
    // A time asked for with IoLoop::wakeAt has come. May also come early or more than once: the
    // handler looks at the clock itself.
    virtual void onTimer() = 0;
};

class IoLoop {
public:
    using Clock = std::chrono::steady_clock;

    // Throws std::runtime_error when epoll or its wake-up descriptor cannot be had.
    IoLoop();
    ~IoLoop();
    IoLoop(const IoLoop&) = delete;
    IoLoop& operator=(const IoLoop&) = delete;

    void start();
    // Ends the thread; tasks not run yet are dropped, watched handlers are let go as they are.
    void stop();

    // Runs `task` on the loop's thread soon. Any thread; dropped once stopped.
    void post(std::function<void()> task);

    // On the loop's thread only. The loop holds `handler` until unwatch(fd).
    void watch(int fd, std::uint32_t events, std::shared_ptr<IoHandler> handler);
    void rearm(int fd, std::uint32_t events);
    void unwatch(int fd);
    void wakeAt(const std::shared_ptr<IoHandler>& handler, Clock::time_point when);

private:
    struct Timer {
        Clock::time_point when;
        std::weak_ptr<IoHandler> handler;
        bool operator>(const Timer& other) const { return when > other.when; }
    };

    void run();
    void runPosted();
    void runTimers();
    int timeoutMs() const;

    const int epoll_fd_;
    const int wake_fd_;
    std::unordered_map<int, std::shared_ptr<IoHandler>> watched_;  // loop thread only
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;  // loop thread only

    std::mutex mutex_;
    std::vector<std::function<void()>> posted_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace relaysync::transport_direct
