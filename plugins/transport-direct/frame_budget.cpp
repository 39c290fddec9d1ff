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

FrameBudget::Room FrameBudget::tryTake(std::size_t bytes, std::function<void()> when_freed) {
    bytes = std::min(bytes, limit_);
    std::lock_guard lock(mutex_);
    if (used_ + bytes > limit_) {
        waiting_.push_back(std::move(when_freed));
        return {};
    }
    used_ += bytes;
    peak_ = std::max(peak_, used_);
    return Room(shared_from_this(), bytes);
}

void FrameBudget::give(std::size_t bytes) noexcept {
    std::vector<std::function<void()>> waiting;
    {
        std::lock_guard lock(mutex_);
        used_ -= bytes;
        waiting.swap(waiting_);
    }
    // Every waiter asks again; those that still find no room wait for the next give.
    for (const auto& wake : waiting) wake();
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
