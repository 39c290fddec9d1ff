#pragma once
// The frame bytes all connections of a transport may hold at once (max_buffered_bytes). A reader
// takes room for a whole MESSAGE as soon as its header says how big it is, before any of the
// body is stored, and the room is given back once the listener has taken the message (or the
// connection has dropped it). A reader that finds no room waits, so a burst of large frames
// from many peers costs waiting, not memory.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>

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

    // Room for `bytes` (at most the limit), waiting until there is; an empty Room when `give_up`
    // turns true first (it is asked every 100 ms). `on_wait` is called once, before waiting, when
    // there is no room at once.
    Room take(std::size_t bytes, const std::function<bool()>& give_up, const std::function<void()>& on_wait = {});

    std::size_t limit() const noexcept { return limit_; }
    std::size_t used() const;
    std::size_t peak() const;  // the most ever held at once

private:
    void give(std::size_t bytes) noexcept;

    const std::size_t limit_;
    mutable std::mutex mutex_;
    std::condition_variable freed_;
    std::size_t used_ = 0;
    std::size_t peak_ = 0;
};

}  // namespace relaysync::transport_direct
