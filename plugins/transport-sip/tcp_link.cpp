#include "tcp_link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace relaysync::transport_sip {

namespace {

using Clock = std::chrono::steady_clock;

int waitFor(int fd, short events, std::chrono::milliseconds timeout) {
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(std::max<long long>(0, timeout.count())));
    if (ready <= 0) return ready;
    return entry.revents;
}

std::string addressText(const sockaddr_storage& address) {
    char host[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET6) {
        const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
        ::inet_ntop(AF_INET6, &v6.sin6_addr, host, sizeof host);
        return "[" + std::string(host) + "]:" + std::to_string(ntohs(v6.sin6_port));
    }
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &v4.sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(v4.sin_port));
}

// A non-blocking connect to one address, finished within `timeout`; the fd or -1 with *error.
int connectOne(const addrinfo& address, std::chrono::milliseconds timeout, std::string* error) {
    const int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address.ai_protocol);
    if (fd < 0) {
        *error = std::strerror(errno);
        return -1;
    }
    if (::connect(fd, address.ai_addr, address.ai_addrlen) != 0 && errno != EINPROGRESS) {
        *error = std::strerror(errno);
        ::close(fd);
        return -1;
    }
    const int ready = waitFor(fd, POLLOUT, timeout);
    int problem = 0;
    socklen_t size = sizeof problem;
    if (ready <= 0) *error = "no connection within " + std::to_string(timeout.count()) + " ms";
    else if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &problem, &size) != 0 || problem != 0)
        *error = std::strerror(problem ? problem : errno);
    else
        return fd;
    ::close(fd);
    return -1;
}

}  // namespace

std::shared_ptr<TcpLink> TcpLink::connect(const std::string& host, std::uint16_t port,
                                          std::chrono::milliseconds timeout, std::string* error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int code = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); code != 0) {
        *error = "cannot resolve " + host + ": " + ::gai_strerror(code);
        return nullptr;
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
    *error = "no address for " + host;
    for (const addrinfo* address = found; address; address = address->ai_next) {
        const int fd = connectOne(*address, timeout, error);
        if (fd < 0) continue;
        const int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        return std::shared_ptr<TcpLink>(new TcpLink(fd));
    }
    return nullptr;
}

TcpLink::TcpLink(int fd) : fd_(fd) {
    sockaddr_storage local{};
    socklen_t size = sizeof local;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &size) == 0) local_ = addressText(local);
}

TcpLink::~TcpLink() { ::close(fd_); }

void TcpLink::shutdown() { ::shutdown(fd_, SHUT_RDWR); }

bool TcpLink::write(const std::string& bytes, std::chrono::milliseconds timeout) {
    std::lock_guard lock(write_mutex_);
    const auto deadline = Clock::now() + timeout;
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && left.count() > 0 && waitFor(fd_, POLLOUT, left) > 0)
            continue;
        shutdown();
        return false;
    }
    return true;
}

long TcpLink::read(char* buffer, std::size_t size, std::chrono::milliseconds timeout) {
    const int ready = waitFor(fd_, POLLIN, timeout);
    if (ready == 0) return 0;
    if (ready < 0) return errno == EINTR ? 0 : -1;
    const ssize_t n = ::recv(fd_, buffer, size, 0);
    if (n > 0) return n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
    return -1;
}

}  // namespace relaysync::transport_sip
