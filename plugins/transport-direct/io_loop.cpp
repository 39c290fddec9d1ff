#include "io_loop.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "wire.h"

namespace relaysync::transport_direct {

namespace {

constexpr int kMaxEvents = 64;
// The longest epoll_wait, so that the time to the next timer never overflows an int.
constexpr std::chrono::milliseconds kLongestWait{60'000};

int checked(int fd, const char* what) {
    if (fd < 0) throw std::runtime_error(std::string("cannot start the I/O thread: ") + what + ": " + std::strerror(errno));
    return fd;
}

}  // namespace

IoLoop::IoLoop()
    : epoll_fd_(checked(::epoll_create1(EPOLL_CLOEXEC), "epoll_create1")),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (wake_fd_ < 0) {
        ::close(epoll_fd_);
        checked(wake_fd_, "eventfd");
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = wake_fd_;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event);
}

IoLoop::~IoLoop() {
    stop();
    ::close(wake_fd_);
    ::close(epoll_fd_);
}

void IoLoop::start() { thread_ = std::thread([this] { run(); }); }

void IoLoop::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
    std::vector<std::function<void()>> dropped;
    {
        std::lock_guard lock(mutex_);
        dropped.swap(posted_);
    }
    for (const auto& [fd, handler] : watched_) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    watched_.clear();
    timers_ = {};
}

void IoLoop::post(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        const bool was_empty = posted_.empty();
        posted_.push_back(std::move(task));
        if (!was_empty) return;  // the loop has been woken for the first one already
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
}

void IoLoop::watch(int fd, std::uint32_t events, std::shared_ptr<IoHandler> handler) {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0)
        throw std::runtime_error(std::string("cannot watch the socket: ") + std::strerror(errno));
    watched_[fd] = std::move(handler);
}

void IoLoop::rearm(int fd, std::uint32_t events) {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event);
}

void IoLoop::unwatch(int fd) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    watched_.erase(fd);
}

void IoLoop::wakeAt(const std::shared_ptr<IoHandler>& handler, Clock::time_point when) {
    timers_.push({when, handler});
}

void IoLoop::run() {
    blockSigpipeInThisThread();
    epoll_event events[kMaxEvents];
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        runPosted();
        const int ready = ::epoll_wait(epoll_fd_, events, kMaxEvents, timeoutMs());
        for (int i = 0; i < ready; ++i) {
            const int fd = events[i].data.fd;
            if (fd == wake_fd_) {
                std::uint64_t count = 0;
                [[maybe_unused]] const auto got = ::read(wake_fd_, &count, sizeof count);
                continue;
            }
            // Not found: an earlier handler of this batch let it go.
            const auto found = watched_.find(fd);
            if (found == watched_.end()) continue;
            const std::shared_ptr<IoHandler> handler = found->second;  // it may unwatch itself
            handler->onReady(events[i].events);
        }
        runTimers();
    }
}

void IoLoop::runPosted() {
    std::vector<std::function<void()>> tasks;
    {
        std::lock_guard lock(mutex_);
        tasks.swap(posted_);
    }
    for (auto& task : tasks) task();
}

void IoLoop::runTimers() {
    // Collected first: a handler that asks again for a time already past runs next turn.
    const auto now = Clock::now();
    std::vector<std::shared_ptr<IoHandler>> due;
    while (!timers_.empty() && timers_.top().when <= now) {
        if (auto handler = timers_.top().handler.lock()) due.push_back(std::move(handler));
        timers_.pop();
    }
    for (const auto& handler : due) handler->onTimer();
}

int IoLoop::timeoutMs() const {
    // Posted tasks need no check here: posting one wakes epoll_wait through wake_fd_.
    if (timers_.empty()) return static_cast<int>(kLongestWait.count());
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(timers_.top().when - Clock::now());
    return static_cast<int>(std::clamp(wait, std::chrono::milliseconds(0), kLongestWait).count());
}

}  // namespace relaysync::transport_direct
