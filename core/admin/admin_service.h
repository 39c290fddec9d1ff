#pragma once
// Serving an admin socket that is already listening: one thread watches every connection
// (accepting, reading request lines, enforcing the read deadline, the line limit and the
// connection limit) and hands complete requests to a pool of workers, which run the command
// and write the reply. An idle or slow connection therefore costs no worker, and a command
// that takes long holds up only its own connection while other workers are free.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "admin/admin_limits.h"
#include "admin/admin_reply.h"
#include "admin/deadline_io.h"
#include "admin/limit_log.h"
#include "admin/request_line_buffer.h"
#include "admin/worker_pool.h"

namespace relaysync::core {

// What the server has done since it started, for tests and diagnostics.
struct AdminServerCounts {
    std::size_t accepted = 0;        // connections taken
    std::size_t answered = 0;        // requests answered (a refusal included)
    std::size_t read_timeouts = 0;   // connections cut at the read deadline
    std::size_t too_long = 0;        // connections cut for a request line over the limit
    std::size_t idle_closed = 0;     // idle connections closed to make room for a new one
    std::size_t refused_busy = 0;    // new connections refused: all at the limit were busy
    std::size_t write_timeouts = 0;  // replies a client did not take in time
};

class AdminService {
public:
    // Starts serving `listen_fd` (left open: the caller owns it, and closes it after stop()).
    AdminService(int listen_fd, AdminHandler handler, AdminLimits limits);
    ~AdminService();
    AdminService(const AdminService&) = delete;
    AdminService& operator=(const AdminService&) = delete;

    // Stops accepting and reading, lets running commands finish, and closes every connection.
    void stop();

    AdminServerCounts counts() const;

private:
    using Clock = std::chrono::steady_clock;
    struct Connection {
        UniqueFd fd;
        bool trusted = false;
        RequestLineBuffer buffer;
        Clock::time_point waiting_since;  // accepted, or its previous reply sent
        bool busy = false;                // a worker has its request
    };

    void loop();
    int nextTimeout(Clock::time_point now) const;
    void takeFinished();
    void acceptAll();
    void makeRoom();
    void readFrom(int fd);
    void process(Connection& connection);
    void expire(Clock::time_point now);
    void cut(int fd, const std::string& kind, const std::string& reply, const std::string& log_line);
    void finished(int fd, bool keep);
    void wake();

    const int listen_fd_;
    const AdminHandler handler_;
    const AdminLimits limits_;
    UniqueFd wake_fd_;
    std::map<int, Connection> connections_;  // the loop thread's only
    Clock::time_point accept_paused_until_{};

    std::mutex finished_mutex_;
    std::vector<std::pair<int, bool>> finished_;  // fd, keep it open

    std::atomic<bool> stopping_{false};
    LimitLog limit_log_;
    struct AtomicCounts {
        std::atomic<std::size_t> accepted{0}, answered{0}, read_timeouts{0}, too_long{0}, idle_closed{0},
            refused_busy{0}, write_timeouts{0};
    } counts_;
    WorkerPool workers_;
    std::thread loop_thread_;
};

}  // namespace relaysync::core
