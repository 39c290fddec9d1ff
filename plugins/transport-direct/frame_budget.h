#pragma once
// The frame bytes all connections of a transport may hold at once (max_buffered_bytes). A reader
// takes room for a whole MESSAGE as soon as its header says how big it is, before any of the
// body is stored, and the room is given back once the listener has taken the message (or the
// connection has dropped it). A reader that finds no room stops reading until room is given
// back, so a burst of large frames from many peers costs waiting, not memory.

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace relaysync::transport_direct {

class FrameBudget : public std::enable_shared_from_this<FrameBudget> {
public:
    // Room held for one frame; given back when destroyed or reset.
    class Room {
    public:
        Room() = default;
        Room(Room&& other) noexcept { *this = std::move(other); }
        Room& operator=(Room&& other) noexcept;
        ~Room() { reset(); }
        void reset() noexcept;
        explicit operator bool() const noexcept { return budget_ != nullptr; }

    private:
        friend class FrameBudget;
        Room(std::shared_ptr<FrameBudget> budget, std::size_t bytes) : budget_(std::move(budget)), bytes_(bytes) {}
        std::shared_ptr<FrameBudget> budget_;
        std::size_t bytes_ = 0;
    };

    explicit FrameBudget(std::size_t limit) : limit_(limit) {}

    // Room for `bytes` (at most the limit) when there is some now. Otherwise an empty Room, and
    // `when_freed` is called once, on the thread that gives room back and without a lock held,
    // when some has been given back: the time to ask again. Never waits.
    Room tryTake(std::size_t bytes, std::function<void()> when_freed);

    std::size_t limit() const noexcept { return limit_; }
    std::size_t used() const;
    std::size_t peak() const;  // the most ever held at once

private:
    void give(std::size_t bytes) noexcept;

    const std::size_t limit_;
    mutable std::mutex mutex_;
    std::vector<std::function<void()>> waiting_;
    std::size_t used_ = 0;
    std::size_t peak_ = 0;
};

}  // namespace relaysync::transport_direct
