#pragma once
// Stand-ins for the admin tests: a raw client that sends exactly what a test says (idle,
// dribbling, over-long), daemons that listen but never answer, the "relaysync.admin" log as
// lines, and waiting on a condition with a deadline.

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <Poco/Channel.h>

#include "admin/deadline_io.h"

namespace relaysync::test {

using Clock = std::chrono::steady_clock;
using core::Deadline;

inline Deadline in(std::chrono::milliseconds duration) { return Clock::now() + duration; }

inline long long millisecondsSince(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// Checks `done` every `step` until it holds (true) or the deadline passes (false).
bool waitUntil(Deadline deadline, const std::function<bool()>& done,
               std::chrono::milliseconds step = std::chrono::milliseconds(5));

// A client connection that does only what the test asks.
class RawAdminConnection {
public:
    explicit RawAdminConnection(const std::string& socket_path);

    // Sends as much of `data` as the daemon takes by the deadline; stops early when the daemon
    // closes. Returns the bytes sent.
    std::size_t send(std::string_view data, Deadline deadline);
    // The next line the daemon sent, if one comes by the deadline.
    std::optional<std::string> readLine(Deadline deadline);
    // Whether something (a line, the end) arrives by the deadline; nothing is read.
    bool readable(Deadline deadline) const;
    // Whether the daemon has closed the connection by the deadline (what it sent is dropped).
    bool closedBy(Deadline deadline);

private:
    core::UniqueFd fd_;
    std::string received_;
    bool ended_ = false;
};

// A Unix socket that is listened on but never answered: `accept_and_hold` takes each
// connection and keeps it without reading; otherwise connections wait in the backlog.
class SilentDaemon {
public:
    SilentDaemon(const std::string& socket_path, bool accept_and_hold, int backlog = 16);
    ~SilentDaemon();
    SilentDaemon(const SilentDaemon&) = delete;
    SilentDaemon& operator=(const SilentDaemon&) = delete;

    std::size_t accepted() const { return accepted_; }

private:
    std::string path_;
    core::UniqueFd listener_;
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> accepted_{0};
    std::vector<core::UniqueFd> held_;
    std::thread acceptor_;
};

// Fills the backlog of a listener that does not accept: connects until the kernel refuses
// (EAGAIN). Returns the connections, which the caller keeps open while it needs the backlog full.
std::vector<core::UniqueFd> fillBacklog(const std::string& socket_path, std::size_t at_most = 256);

// Collects what is logged to "relaysync.admin" while it lives.
class CapturedAdminLog {
public:
    CapturedAdminLog();
    ~CapturedAdminLog();
    CapturedAdminLog(const CapturedAdminLog&) = delete;
    CapturedAdminLog& operator=(const CapturedAdminLog&) = delete;

    std::vector<std::string> lines() const;
    // The first line containing `text`, or "".
    std::string find(const std::string& text) const;

private:
    class Collector;
    Poco::AutoPtr<Collector> collector_;
    Poco::Channel::Ptr previous_channel_;
    int previous_level_;
};

}  // namespace relaysync::test
