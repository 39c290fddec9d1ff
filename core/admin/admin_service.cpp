#include "admin/admin_service.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <Poco/Logger.h>

namespace relaysync::core {

namespace {

// Only root and the daemon's own user: the socket's file mode says the same, this makes sure.
bool peerIsTrusted(int fd) {
    ucred credentials{};
    socklen_t length = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return false;
    return credentials.uid == 0 || credentials.uid == geteuid();
}

Poco::Logger& adminLog() { return Poco::Logger::get("relaysync.admin"); }

std::chrono::milliseconds since(std::chrono::steady_clock::time_point then, std::chrono::steady_clock::time_point now) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - then);
}

}  // namespace

AdminService::AdminService(int listen_fd, AdminHandler handler, AdminLimits limits)
    : listen_fd_(listen_fd),
      handler_(std::move(handler)),
      limits_(limits),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      workers_(limits.workers) {
    if (!wake_fd_) throw std::runtime_error(std::string("admin server: eventfd: ") + std::strerror(errno));
    const int flags = ::fcntl(listen_fd_, F_GETFL);
    if (flags < 0 || ::fcntl(listen_fd_, F_SETFL, flags | O_NONBLOCK) != 0)
        throw std::runtime_error(std::string("admin server: cannot make the socket non-blocking: ") + std::strerror(errno));
    loop_thread_ = std::thread([this] { loop(); });
}

AdminService::~AdminService() { stop(); }

void AdminService::stop() {
    if (stopping_.exchange(true)) return;
    wake();
    if (loop_thread_.joinable()) loop_thread_.join();
    workers_.stop();        // running commands finish and write their replies
    connections_.clear();   // only now: no worker uses a descriptor any more
}

AdminServerCounts AdminService::counts() const {
    AdminServerCounts counts;
    counts.accepted = counts_.accepted;
    counts.answered = counts_.answered;
    counts.read_timeouts = counts_.read_timeouts;
    counts.too_long = counts_.too_long;
    counts.idle_closed = counts_.idle_closed;
    counts.refused_busy = counts_.refused_busy;
    counts.write_timeouts = counts_.write_timeouts;
    return counts;
}

void AdminService::wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_.get(), &one, sizeof one);
}

void AdminService::loop() {
    std::vector<pollfd> watched;
    while (!stopping_) {
        const auto now = Clock::now();
        watched.clear();
        watched.push_back({wake_fd_.get(), POLLIN, 0});
        const bool accepting = now >= accept_paused_until_;
        if (accepting) watched.push_back({listen_fd_, POLLIN, 0});
        for (const auto& [fd, connection] : connections_)
            if (!connection.busy) watched.push_back({fd, POLLIN, 0});
        const int ready = ::poll(watched.data(), watched.size(), nextTimeout(now));
        if (ready < 0 && errno != EINTR) {
            adminLog().error("admin: poll failed: %s", std::string(std::strerror(errno)));
            accept_paused_until_ = Clock::now() + std::chrono::milliseconds(100);
        }
        if (stopping_) break;
        if (watched[0].revents != 0) {
            std::uint64_t count = 0;
            [[maybe_unused]] const auto got = ::read(wake_fd_.get(), &count, sizeof count);
        }
        takeFinished();
        // Reads first: a descriptor closed here and reused by accept() below is not misread.
        for (std::size_t i = accepting ? 2 : 1; i < watched.size(); ++i)
            if (watched[i].revents != 0) readFrom(watched[i].fd);
        expire(Clock::now());
        if (accepting && watched[1].revents != 0) acceptAll();
    }
}

int AdminService::nextTimeout(Clock::time_point now) const {
    auto next = Clock::time_point::max();
    if (now < accept_paused_until_) next = accept_paused_until_;
    for (const auto& [fd, connection] : connections_)
        if (!connection.busy) next = std::min(next, connection.waiting_since + limits_.read_timeout);
    return next == Clock::time_point::max() ? -1 : millisecondsUntil(next);
}

void AdminService::takeFinished() {
    std::vector<std::pair<int, bool>> finished;
    {
        std::lock_guard lock(finished_mutex_);
        finished.swap(finished_);
    }
    for (const auto& [fd, keep] : finished) {
        const auto found = connections_.find(fd);
        if (found == connections_.end()) continue;
        if (!keep) {
            connections_.erase(found);
            continue;
        }
        found->second.busy = false;
        found->second.waiting_since = Clock::now();
        process(found->second);  // a request sent right behind the previous one
    }
}

void AdminService::acceptAll() {
    for (;;) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                // Out of descriptors, most likely: try again shortly rather than spin.
                limit_log_.hit("accept failure", std::string("cannot accept a connection: ") + std::strerror(errno));
                accept_paused_until_ = Clock::now() + std::chrono::milliseconds(100);
            }
            return;
        }
        ++counts_.accepted;
        if (connections_.size() >= limits_.max_connections) makeRoom();
        if (connections_.size() >= limits_.max_connections) {
            ++counts_.refused_busy;
            limit_log_.hit("connection limit",
                           "refused a connection: " + std::to_string(connections_.size()) +
                               " connections open (the limit), all running commands");
            sendWithoutWaiting(fd, responseLine(errorResponse(
                                       "too many admin connections (" + std::to_string(limits_.max_connections) +
                                       "), all busy; try again")));
            ::close(fd);
            continue;
        }
        Connection connection{UniqueFd(fd), peerIsTrusted(fd), RequestLineBuffer(limits_.max_request_bytes), Clock::now(),
                              false};
        connections_.emplace(fd, std::move(connection));
    }
}

// At the connection limit: the connection that has waited longest for a complete request goes.
void AdminService::makeRoom() {
    auto oldest = connections_.end();
    for (auto each = connections_.begin(); each != connections_.end(); ++each)
        if (!each->second.busy && (oldest == connections_.end() || each->second.waiting_since < oldest->second.waiting_since))
            oldest = each;
    if (oldest == connections_.end()) return;
    ++counts_.idle_closed;
    const auto idle = since(oldest->second.waiting_since, Clock::now());
    cut(oldest->first, "connection limit",
        "too many admin connections (" + std::to_string(limits_.max_connections) + "); closing this idle one",
        std::to_string(connections_.size()) + " connections open (the limit): closed the one idle longest (" +
            describeSeconds(idle) + ", " + std::to_string(oldest->second.buffer.pendingBytes()) +
            " bytes of a request) to take a new one");
}

void AdminService::readFrom(int fd) {
    const auto found = connections_.find(fd);
    if (found == connections_.end() || found->second.busy) return;
    auto& connection = found->second;
    char buffer[64 * 1024];
    for (;;) {
        const auto got = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (got <= 0) {  // the client closed, or its connection failed
            connections_.erase(found);
            return;
        }
        connection.buffer.append(std::string_view(buffer, static_cast<std::size_t>(got)));
        process(connection);
        // Cut, or a worker has its request: the rest waits in the socket.
        if (connections_.find(fd) == connections_.end() || connection.busy) return;
    }
}

void AdminService::process(Connection& connection) {
    const int fd = connection.fd.get();
    std::string line;
    switch (connection.buffer.next(line)) {
    case RequestLineBuffer::Next::incomplete:
        return;
    case RequestLineBuffer::Next::too_long:
        ++counts_.too_long;
        cut(fd, "line limit",
            "request line longer than " + std::to_string(limits_.max_request_bytes) + " bytes; closing the connection",
            "closed a connection whose request line is longer than " + std::to_string(limits_.max_request_bytes) +
                " bytes (the limit)");
        return;
    case RequestLineBuffer::Next::line:
        break;
    }
    if (!connection.trusted) {
        // Answered, not just closed, so the user sees why; nothing of the request is used.
        ++counts_.answered;
        adminLog().warning("admin: refused a request from another user");
        sendWithoutWaiting(fd, responseLine(errorResponse(
                                   "permission denied: only root and the daemon's user may administer it")));
        connections_.erase(fd);
        return;
    }
    connection.busy = true;
    workers_.submit([this, fd, line = std::move(line)] {
        const auto reply = responseLine(answerRequest(handler_, line));
        const auto outcome = sendAll(fd, reply, Clock::now() + limits_.write_timeout);
        ++counts_.answered;
        if (outcome == IoOutcome::timed_out) {
            ++counts_.write_timeouts;
            limit_log_.hit("write timeout", "closed a connection that did not take its reply (" +
                                                std::to_string(reply.size()) + " bytes) within " +
                                                describeSeconds(limits_.write_timeout) + " (the write timeout)");
        }
        finished(fd, outcome == IoOutcome::done);
    });
}

void AdminService::expire(Clock::time_point now) {
    std::vector<int> late;
    for (const auto& [fd, connection] : connections_)
        if (!connection.busy && now >= connection.waiting_since + limits_.read_timeout) late.push_back(fd);
    for (const int fd : late) {
        const auto pending = connections_.at(fd).buffer.pendingBytes();
        ++counts_.read_timeouts;
        cut(fd, "read timeout",
            "no complete request line within " + describeSeconds(limits_.read_timeout) + "; closing the connection",
            "closed a connection that sent no complete request line within " + describeSeconds(limits_.read_timeout) +
                " (the read timeout; " + std::to_string(pending) + " bytes received)");
    }
}

void AdminService::cut(int fd, const std::string& kind, const std::string& reply, const std::string& log_line) {
    limit_log_.hit(kind, log_line);
    sendWithoutWaiting(fd, responseLine(errorResponse(reply)));
    connections_.erase(fd);
}

void AdminService::finished(int fd, bool keep) {
    {
        std::lock_guard lock(finished_mutex_);
        finished_.emplace_back(fd, keep);
    }
    wake();
}

}  // namespace relaysync::core
