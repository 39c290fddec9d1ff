#pragma once
// Reading and writing a non-blocking socket without ever waiting past a deadline: the admin
// server's replies and the admin client's whole exchange are bounded this way.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace relaysync::core {

using Deadline = std::chrono::steady_clock::time_point;

// Owns one file descriptor and closes it.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd();

    int get() const { return fd_; }
    int release();
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

enum class IoOutcome { done, timed_out, closed };

// Milliseconds left until `deadline` for poll(): 0 once it has passed, rounded up otherwise.
int millisecondsUntil(Deadline deadline);

// Waits until `fd` is ready for `events` (POLLIN, POLLOUT) or the deadline passes. A hang-up
// or error counts as ready: the next read or write tells what happened.
bool waitReady(int fd, short events, Deadline deadline);

// Writes all of `data` (no SIGPIPE). closed: the peer went away; timed_out: it stopped taking
// bytes until the deadline.
IoOutcome sendAll(int fd, std::string_view data, Deadline deadline);

// Writes what the socket takes now, without waiting: for short error lines to a peer that is
// about to be dropped anyway.
void sendWithoutWaiting(int fd, std::string_view data);

// Reads until a newline (left out of `line`; what came after it in the same read goes to
// `after`, or is dropped without it) or the deadline.
// closed: end of stream or an error before the newline; what came is in `line`.
IoOutcome receiveLine(int fd, std::string& line, Deadline deadline, std::string* after = nullptr);
// Reads until `bytes` holds `size` bytes (what it holds already counts), by `deadline`.
IoOutcome receiveExactly(int fd, std::string& bytes, std::size_t size, Deadline deadline);

}  // namespace relaysync::core
