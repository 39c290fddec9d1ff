#pragma once
// A fixed number of threads running jobs in the order submitted, with a bounded queue. Received
// messages go to the listener through one (so a slow node never holds the socket thread), and
// reachability events through another of one thread (so they stay in order).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace relaysync::transport_sip {

class WorkQueue {
public:
    WorkQueue(std::size_t threads, std::size_t capacity) : threads_count_(threads), capacity_(capacity) {}
    ~WorkQueue() { stop(); }
    WorkQueue(const WorkQueue&) = delete;
    WorkQueue& operator=(const WorkQueue&) = delete;

    void start();
    // false when the queue is full or stopped: the job was not taken.
    bool submit(std::function<void()> job);
    // Lets running jobs finish, drops queued ones, joins the threads.
    void stop();

private:
    void work();

    const std::size_t threads_count_;
    const std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace relaysync::transport_sip
