#include "job_pool.h"

namespace relaysync::plugin_common {

void JobPool::start() {
    std::lock_guard lock(mutex_);
    stopping_ = false;
    for (std::size_t i = 0; i < size_; ++i) threads_.emplace_back([this] { work(); });
}

bool JobPool::submit(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || threads_.empty() || jobs_.size() >= capacity_) return false;
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

void JobPool::stop() {
    std::vector<std::thread> threads;
    std::deque<std::function<void()>> dropped;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        threads.swap(threads_);
        dropped.swap(jobs_);
    }
    wake_.notify_all();
    for (auto& thread : threads) thread.join();
    // `dropped` goes here, outside the lock: a job may hold the last reference to what it serves.
}

void JobPool::work() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job();
    }
}

}  // namespace relaysync::plugin_common
