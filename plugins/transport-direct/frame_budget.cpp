#include "frame_budget.h"

#include <algorithm>

namespace relaysync::transport_direct {

FrameBudget::Room& FrameBudget::Room::operator=(Room&& other) noexcept {
    if (this != &other) {
        reset();
        budget_ = std::move(other.budget_);
        bytes_ = other.bytes_;
        other.budget_.reset();
        other.bytes_ = 0;
    }
    return *this;
}

void FrameBudget::Room::reset() noexcept {
    if (budget_) budget_->give(bytes_);
    budget_.reset();
    bytes_ = 0;
}

FrameBudget::Room FrameBudget::take(std::size_t bytes, const std::function<bool()>& give_up,
                                   const std::function<void()>& on_wait) {
    bytes = std::min(bytes, limit_);
    std::unique_lock lock(mutex_);
    for (bool told = false; used_ + bytes > limit_;) {
        lock.unlock();
        if (!told && on_wait) on_wait();
        told = true;
        if (give_up()) return {};
        lock.lock();
        freed_.wait_for(lock, std::chrono::milliseconds(100), [&] { return used_ + bytes <= limit_; });
    }
    used_ += bytes;
    peak_ = std::max(peak_, used_);
    return Room(shared_from_this(), bytes);
}

void FrameBudget::give(std::size_t bytes) noexcept {
    {
        std::lock_guard lock(mutex_);
        used_ -= bytes;
    }
    freed_.notify_all();
}

std::size_t FrameBudget::used() const {
    std::lock_guard lock(mutex_);
    return used_;
}

std::size_t FrameBudget::peak() const {
    std::lock_guard lock(mutex_);
    return peak_;
}

}  // namespace relaysync::transport_direct
