#pragma once
// Sends remote-access payloads (the ephemeral lane) straight through the transport: one
// thread per destination, so a peer slow to acknowledge holds up only its own; nothing is
// stored. Transport::send blocks until the peer took the payload, so what waits here is what a
// node holds in memory of a transfer: bounded by `max_bytes` in all (the asker's window bounds
// it per transfer, docs/protocol.md §4.7).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "relaysync/sdk/transport.h"

namespace relaysync::core {

class RemoteSender {
public:
    // Told when a payload could not be delivered (the peer is unreachable, the queue was full,
    // the sender stopped), with the reason: the caller turns it into a remote-error.
    using Failed = std::function<void(const std::string& reason)>;

    RemoteSender(sdk::Transport& transport, std::size_t max_bytes);
    ~RemoteSender();
    RemoteSender(const RemoteSender&) = delete;
    RemoteSender& operator=(const RemoteSender&) = delete;

    // Queues `payload` for `to`; never blocks, never calls back on the caller's thread (so it
    // may be called under the caller's own lock), and keeps the order of calls per destination.
    // `failed` runs on the sender thread (unreachable, or the queue was full). After stop(),
    // nothing is sent and nobody is told.
    void send(const std::string& to, std::string payload, Failed failed = {});
    // Ends every thread; what still waits is failed.
    void stop();

    // Bytes waiting or being sent now, and the most there ever were (for the benchmark and tests).
    std::size_t queuedBytes() const;
    std::size_t peakBytes() const;

private:
    struct Item {
        std::string payload;
        Failed failed;
        std::string refused;  // not sent: why (the queue was full)
    };
    struct Lane {
        std::deque<Item> items;
        std::thread thread;
    };
    void run(const std::string& to);

    sdk::Transport& transport_;
    const std::size_t max_bytes_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::map<std::string, std::unique_ptr<Lane>> lanes_;
    std::size_t queued_bytes_ = 0;
    std::size_t peak_bytes_ = 0;
    bool stopping_ = false;
};

}  // namespace relaysync::core
