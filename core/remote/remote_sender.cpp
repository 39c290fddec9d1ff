#include "remote/remote_sender.h"

#include <algorithm>
#include <vector>

namespace relaysync::core {

RemoteSender::RemoteSender(sdk::Transport& transport, std::size_t max_bytes)
    : transport_(transport), max_bytes_(max_bytes) {}

RemoteSender::~RemoteSender() { stop(); }

void RemoteSender::send(const std::string& to, std::string payload, Failed failed) {
    std::lock_guard lock(mutex_);
    if (stopping_) return;  // stop() fails what waits; the node's own stop ends the rest
    Item item;
    if (queued_bytes_ + payload.size() > max_bytes_) {
        // Failed on the lane's thread, in order with what was queued before: a caller may hold its
        // own lock while it calls send().
        item.refused = "the remote-access queue is full (" + std::to_string(max_bytes_) + " bytes)";
    } else {
        queued_bytes_ += payload.size();
        peak_bytes_ = std::max(peak_bytes_, queued_bytes_);
        item.payload = std::move(payload);
    }
    item.failed = std::move(failed);
    auto& lane = lanes_[to];
    if (!lane) {
        lane = std::make_unique<Lane>();
        lane->items.push_back(std::move(item));
        lane->thread = std::thread([this, to] { run(to); });
        return;
    }
    lane->items.push_back(std::move(item));
    wake_.notify_all();
}

void RemoteSender::run(const std::string& to) {
    std::unique_lock lock(mutex_);
    auto& lane = *lanes_.at(to);
    for (;;) {
        wake_.wait(lock, [&] { return stopping_ || !lane.items.empty(); });
        if (stopping_) return;
        auto item = std::move(lane.items.front());
        lane.items.pop_front();
        lock.unlock();
        if (!item.refused.empty()) {
            if (item.failed) item.failed(item.refused);
        } else if (const auto status = transport_.send(to, item.payload); !status.isOk() && item.failed) {
            item.failed(to + ": " + status.toString());
        }
        lock.lock();
        queued_bytes_ -= item.payload.size();
    }
}

void RemoteSender::stop() {
    std::vector<Item> left;
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (auto& [to, lane] : lanes_) {
            for (auto& item : lane->items) left.push_back(std::move(item));
            lane->items.clear();
            if (lane->thread.joinable()) threads.push_back(std::move(lane->thread));
        }
    }
    wake_.notify_all();
    for (auto& thread : threads) thread.join();
    for (auto& item : left)
        if (item.failed) item.failed("the node is stopping");
}

std::size_t RemoteSender::queuedBytes() const {
    std::lock_guard lock(mutex_);
    return queued_bytes_;
}

std::size_t RemoteSender::peakBytes() const {
    std::lock_guard lock(mutex_);
    return peak_bytes_;
}

}  // namespace relaysync::core
