#pragma once
// A fixed number of threads running jobs in the order submitted, for the transports: received
// messages go to the listener through one, so that a slow listener costs a pool thread, never a
// socket thread, and the number of threads does not grow with the number of peers. A caller that
// needs its own jobs in order keeps at most one of them queued or running (the direct transport
// does so per connection), or uses a pool of one thread.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace relaysync::plugin_common {

class JobPool {
public:
    // `capacity`: how many jobs may wait; submit() refuses more.
    explicit JobPool(std::size_t threads, std::size_t capacity = SIZE_MAX) : size_(threads), capacity_(capacity) {}
    ~JobPool() { stop(); }
    JobPool(const JobPool&) = delete;
    JobPool& operator=(const JobPool&) = delete;

    void start();
    // Runs `job` on a pool thread. false when the queue is full, or the pool not running: the
    // job was not taken.
    bool submit(std::function<void()> job);
    // Lets the running jobs finish, drops the queued ones, and joins the threads.
    void stop();

private:
    void work();

    const std::size_t size_;
    const std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace relaysync::plugin_common
