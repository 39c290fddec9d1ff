#include "admin/deadline_io.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace relaysync::core {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

UniqueFd::~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

int millisecondsUntil(Deadline deadline) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return ms > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(ms);
}

bool waitReady(int fd, short events, Deadline deadline) {
    for (;;) {
        pollfd entry{fd, events, 0};
        const int ready = ::poll(&entry, 1, millisecondsUntil(deadline));
        if (ready > 0) return true;
        if (ready == 0) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            continue;  // poll woke a little early
        }
        if (errno != EINTR) return true;  // let the read or write report it
    }
}

IoOutcome sendAll(int fd, std::string_view data, Deadline deadline) {
    while (!data.empty()) {
        const auto sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) {
            data.remove_prefix(static_cast<std::size_t>(sent));
            continue;
        }
        if (sent < 0 && errno == EINTR) continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!waitReady(fd, POLLOUT, deadline)) return IoOutcome::timed_out;
            continue;
        }
        return IoOutcome::closed;
    }
    return IoOutcome::done;
}

void sendWithoutWaiting(int fd, std::string_view data) {
    while (!data.empty()) {
        const auto sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) return;
        data.remove_prefix(static_cast<std::size_t>(sent));
    }
}

IoOutcome receiveLine(int fd, std::string& line, Deadline deadline, std::string* after) {
    line.clear();
    char buffer[4096];
    for (;;) {
        const auto got = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got > 0) {
            const std::string_view chunk(buffer, static_cast<std::size_t>(got));
            if (const auto end = chunk.find('\n'); end != std::string_view::npos) {
                line.append(chunk.substr(0, end));
                if (after) after->assign(chunk.substr(end + 1));
                return IoOutcome::done;
            }
            line.append(chunk);
            continue;
        }
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!waitReady(fd, POLLIN, deadline)) return IoOutcome::timed_out;
            continue;
        }
        return IoOutcome::closed;
    }
}

IoOutcome receiveExactly(int fd, std::string& bytes, std::size_t size, Deadline deadline) {
    const auto had = std::min(bytes.size(), size);
    bytes.resize(size);
    for (std::size_t have = had; have < size;) {
        const auto got = ::recv(fd, bytes.data() + have, size - have, MSG_DONTWAIT);
        if (got > 0) {
            have += static_cast<std::size_t>(got);
            continue;
        }
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!waitReady(fd, POLLIN, deadline)) return IoOutcome::timed_out;
            continue;
        }
        return IoOutcome::closed;
    }
    return IoOutcome::done;
}

}  // namespace relaysync::core
