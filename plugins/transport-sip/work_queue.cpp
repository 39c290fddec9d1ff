#include "work_queue.h"

namespace relaysync::transport_sip {

void WorkQueue::start() {
    std::lock_guard lock(mutex_);
    stopping_ = false;
    for (std::size_t i = 0; i < threads_count_; ++i) threads_.emplace_back([this] { work(); });
}

bool WorkQueue::submit(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || threads_.empty() || jobs_.size() >= capacity_) return false;
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

void WorkQueue::stop() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        jobs_.clear();
        threads.swap(threads_);
    }
    wake_.notify_all();
    for (auto& thread : threads) thread.join();
}

void WorkQueue::work() {
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

}  // namespace relaysync::transport_sip
