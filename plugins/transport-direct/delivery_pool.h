#pragma once
// A fixed number of threads (delivery_threads) that hand received messages to the listener, so
// that a slow listener costs a pool thread, never the I/O thread, and the number of threads does
// not grow with the number of connections. Jobs run in the order they were submitted; a
// connection keeps its own deliveries in order by having at most one job queued or running.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace relaysync::transport_direct {

class DeliveryPool {
public:
    explicit DeliveryPool(std::size_t threads) : size_(threads) {}
    ~DeliveryPool() { stop(); }
    DeliveryPool(const DeliveryPool&) = delete;
    DeliveryPool& operator=(const DeliveryPool&) = delete;

    void start();
    // Runs `job` on a pool thread; dropped when the pool is stopped or stopping.
    void submit(std::function<void()> job);
    // Lets the running jobs finish, drops the queued ones, and joins the threads.
    void stop();

private:
    void work();

    const std::size_t size_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace relaysync::transport_direct
