#pragma once
// The metrics endpoint's open connections (metrics_endpoint.cpp): which may be cut to make room
// at the limit, and the threads that serve them. Every admitted connection gets a thread of its
// own at once; nothing waits in a queue for a thread that a connection not cut holds.

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <Poco/Net/StreamSocket.h>

namespace relaysync::metrics {

// The connections the endpoint has open: which are still waiting for their request (and may be
// cut to make room), which are being answered.
class ConnectionBook {
public:
    using Id = std::uint64_t;
    static constexpr Id refused = 0;

    explicit ConnectionBook(std::size_t limit) : limit_(limit) {}

    // At accept time. At the limit the connection that has waited longest for its request is cut;
    // if every one is being answered, the new one is refused.
    Id admit(const Poco::Net::StreamSocket& socket) {
        std::lock_guard lock(mutex_);
        if (entries_.size() >= limit_) {
            // Ids grow with acceptance: the first waiting entry has waited longest.
            auto oldest = entries_.begin();
            while (oldest != entries_.end() && oldest->second.answering) ++oldest;
            if (oldest == entries_.end()) return refused;
            cut(oldest->second.socket);
            entries_.erase(oldest);
        }
        const Id id = ++last_id_;
        entries_.emplace(id, Entry{socket, false});
        return id;
    }

    // The request is complete: the connection is no longer one to cut. False if it was cut.
    bool answering(Id id) {
        std::lock_guard lock(mutex_);
        const auto it = entries_.find(id);
        if (it == entries_.end()) return false;
        it->second.answering = true;
        return true;
    }

    void leave(Id id) {
        std::lock_guard lock(mutex_);
        entries_.erase(id);
    }

    // At stop: the connections still waiting for their request end at once.
    void cutWaiting() {
        std::lock_guard lock(mutex_);
        for (auto it = entries_.begin(); it != entries_.end();) {
            if (it->second.answering) {
                ++it;
            } else {
                cut(it->second.socket);
                it = entries_.erase(it);
            }
        }
    }

    std::size_t size() {
        std::lock_guard lock(mutex_);
        return entries_.size();
    }

private:
    struct Entry {
        Poco::Net::StreamSocket socket;
        bool answering = false;
    };

    // shutdown(2) on the descriptor: the connection's blocked read returns at once, on its own
    // thread (no TLS call here, which would need the connection's lock). The connection's thread
    // holds its own copy of the socket, so the descriptor stays its own until it ends.
    static void cut(const Poco::Net::StreamSocket& socket) { ::shutdown(socket.impl()->sockfd(), SHUT_RDWR); }

    const std::size_t limit_;
    std::mutex mutex_;
    Id last_id_ = refused;
    std::map<Id, Entry> entries_;
};

// One thread per connection, joined once it has ended.
class ConnectionThreads {
public:
    ConnectionThreads() = default;
    ConnectionThreads(const ConnectionThreads&) = delete;
    ConnectionThreads& operator=(const ConnectionThreads&) = delete;
    ~ConnectionThreads() { joinAll(); }

    // Throws std::system_error when no thread can be started.
    void start(std::function<void()> work) {
        std::lock_guard lock(mutex_);
        joinEnded();
        const auto id = next_id_++;
        // The new thread's last step waits for this lock, so its entry exists by then.
        running_.emplace(id, std::thread([this, id, work = std::move(work)] {
                             work();
                             std::lock_guard done(mutex_);
                             ended_.push_back(std::move(running_.at(id)));
                             running_.erase(id);
                             changed_.notify_all();
                         }));
    }

    // Until fewer than `most` run or `stop` is set. The book keeps those not cut within its
    // limit, and a cut one ends at once, so this wait is short; it bounds the threads a flood of
    // connections can make.
    void waitFewerThan(std::size_t most, const std::atomic<bool>& stop) {
        std::unique_lock lock(mutex_);
        while (running_.size() >= most && !stop) changed_.wait_for(lock, std::chrono::milliseconds(100));
    }

    void joinAll() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return running_.empty(); });
        joinEnded();
    }

private:
    // Their work is done; each is only returning.
    void joinEnded() {
        for (auto& thread : ended_) thread.join();
        ended_.clear();
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t next_id_ = 0;
    std::map<std::uint64_t, std::thread> running_;
    std::vector<std::thread> ended_;
};

}  // namespace relaysync::metrics
