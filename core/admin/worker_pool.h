#pragma once
// A fixed number of threads running queued jobs in order of arrival: the admin server's
// commands, so that one long command leaves the others free.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace relaysync::core {

class WorkerPool {
public:
    explicit WorkerPool(std::size_t threads);
    // stop()
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void submit(std::function<void()> job);
    // Lets the running jobs finish, drops the queued ones, and joins the threads.
    void stop();

private:
    void work();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace relaysync::core
