#include "sip_stream.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace relaysync::tests {

namespace {

bool readable(int fd, std::chrono::milliseconds timeout) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, static_cast<int>(std::max<long long>(0, timeout.count()))) > 0;
}

}  // namespace

SipStream::~SipStream() {
    if (fd_ >= 0) ::close(fd_);
}

std::optional<transport_sip::SipMessage> SipStream::read(std::chrono::milliseconds timeout,
                                                         const std::function<void()>& on_ping) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        while (auto frame = framer_.next()) {
            if (frame->kind == transport_sip::Frame::Kind::pong) continue;
            if (auto parsed = transport_sip::parseSip(*frame); parsed.message) return parsed.message;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (closed_ || left.count() <= 0 || !readable(fd_, left)) return std::nullopt;
        char buffer[8192];
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) {
            closed_ = true;
            return std::nullopt;
        }
        if (on_ping && n == 4 && std::string(buffer, 4) == "\r\n\r\n") {
            on_ping();
            continue;
        }
        framer_.feed(buffer, static_cast<std::size_t>(n));
    }
}

void SipStream::write(const std::string& bytes) {
    [[maybe_unused]] const auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

}  // namespace relaysync::tests
