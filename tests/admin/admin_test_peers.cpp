#include "admin_test_peers.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <Poco/Logger.h>
#include <Poco/Message.h>

namespace relaysync::test {

namespace {

sockaddr_un addressOf(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    return address;
}

}  // namespace

bool waitUntil(Deadline deadline, const std::function<bool()>& done, std::chrono::milliseconds step) {
    for (;;) {
        if (done()) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(step);
    }
}

RawAdminConnection::RawAdminConnection(const std::string& socket_path)
    : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    const auto address = addressOf(socket_path);
    if (!fd_ || ::connect(fd_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        throw std::runtime_error("connect " + socket_path + ": " + std::strerror(errno));
}

std::size_t RawAdminConnection::send(std::string_view data, Deadline deadline) {
    std::size_t sent_total = 0;
    while (sent_total < data.size()) {
        const auto sent =
            ::send(fd_.get(), data.data() + sent_total, data.size() - sent_total, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) {
            sent_total += static_cast<std::size_t>(sent);
        } else if (sent < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!core::waitReady(fd_.get(), POLLOUT, deadline)) break;
        } else {
            break;  // the daemon closed
        }
    }
    return sent_total;
}

std::optional<std::string> RawAdminConnection::readLine(Deadline deadline) {
    for (;;) {
        if (const auto end = received_.find('\n'); end != std::string::npos) {
            auto line = received_.substr(0, end);
            received_.erase(0, end + 1);
            return line;
        }
        if (ended_ || !core::waitReady(fd_.get(), POLLIN, deadline)) return std::nullopt;
        char buffer[4096];
        const auto got = ::recv(fd_.get(), buffer, sizeof buffer, MSG_DONTWAIT);
        if (got > 0) received_.append(buffer, static_cast<std::size_t>(got));
        else if (got == 0 || (errno != EAGAIN && errno != EINTR)) ended_ = true;
    }
}

bool RawAdminConnection::readable(Deadline deadline) const {
    return !received_.empty() || ended_ || core::waitReady(fd_.get(), POLLIN, deadline);
}

bool RawAdminConnection::closedBy(Deadline deadline) {
    while (!ended_) {
        if (!core::waitReady(fd_.get(), POLLIN, deadline)) return false;
        char buffer[4096];
        const auto got = ::recv(fd_.get(), buffer, sizeof buffer, MSG_DONTWAIT);
        if (got > 0) received_.append(buffer, static_cast<std::size_t>(got));
        else if (got == 0 || (errno != EAGAIN && errno != EINTR)) ended_ = true;
    }
    return true;
}

SilentDaemon::SilentDaemon(const std::string& socket_path, bool accept_and_hold, int backlog)
    : path_(socket_path), listener_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    const auto address = addressOf(socket_path);
    if (!listener_ || ::bind(listener_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_.get(), backlog) != 0)
        throw std::runtime_error("listen on " + socket_path + ": " + std::strerror(errno));
    if (!accept_and_hold) return;
    acceptor_ = std::thread([this] {
        while (!stop_) {
            if (!core::waitReady(listener_.get(), POLLIN, in(std::chrono::milliseconds(50)))) continue;
            const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (fd < 0) continue;
            held_.emplace_back(fd);
            ++accepted_;
        }
    });
}

SilentDaemon::~SilentDaemon() {
    stop_ = true;
    if (acceptor_.joinable()) acceptor_.join();
    held_.clear();
    listener_ = core::UniqueFd();
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
}

std::vector<core::UniqueFd> fillBacklog(const std::string& socket_path, std::size_t at_most) {
    std::vector<core::UniqueFd> pending;
    const auto address = addressOf(socket_path);
    while (pending.size() < at_most) {
        core::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            if (errno == EAGAIN) break;
            throw std::runtime_error("connect " + socket_path + ": " + std::strerror(errno));
        }
        pending.push_back(std::move(fd));
    }
    return pending;
}

class CapturedAdminLog::Collector : public Poco::Channel {
public:
    void log(const Poco::Message& message) override {
        std::lock_guard lock(mutex_);
        lines_.push_back(message.getText());
    }
    std::vector<std::string> lines() const {
        std::lock_guard lock(mutex_);
        return lines_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

CapturedAdminLog::CapturedAdminLog() : collector_(new Collector) {
    auto& logger = Poco::Logger::get("relaysync.admin");
    previous_channel_ = logger.getChannel();
    previous_level_ = logger.getLevel();
    logger.setChannel(collector_);
    logger.setLevel(Poco::Message::PRIO_INFORMATION);
}

CapturedAdminLog::~CapturedAdminLog() {
    auto& logger = Poco::Logger::get("relaysync.admin");
    logger.setChannel(previous_channel_);
    logger.setLevel(previous_level_);
}

std::vector<std::string> CapturedAdminLog::lines() const { return collector_->lines(); }

std::string CapturedAdminLog::find(const std::string& text) const {
    for (const auto& line : lines())
        if (line.find(text) != std::string::npos) return line;
    return {};
}

}  // namespace relaysync::test
