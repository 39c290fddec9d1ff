#include "attack_sockets.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/ssl.h>

namespace relaysync::tests {

namespace {

sockaddr_in loopback(const std::string& address, std::uint16_t port) {
    sockaddr_in result{};
    result.sin_family = AF_INET;
    result.sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &result.sin_addr) != 1)
        throw std::runtime_error("not an IPv4 address: " + address);
    return result;
}

}  // namespace

AttackSocket AttackSocket::connectFrom(const std::string& source, std::uint16_t port) {
    AttackSocket socket = boundTo(source);
    socket.connectTo(port);
    return socket;
}

AttackSocket AttackSocket::boundTo(const std::string& source) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    AttackSocket socket(fd);
    const sockaddr_in from = loopback(source, 0);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0)
        throw std::runtime_error("bind to " + source + ": " + std::strerror(errno));
    return socket;
}

void AttackSocket::connectTo(std::uint16_t port) {
    const sockaddr_in to = loopback("127.0.0.1", port);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS)
        throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
}

AttackSocket& AttackSocket::operator=(AttackSocket&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

bool AttackSocket::connected() const {
    if (fd_ < 0) return false;
    pollfd entry{fd_, POLLOUT, 0};
    if (::poll(&entry, 1, 0) <= 0) return false;
    int error = 0;
    socklen_t length = sizeof error;
    return ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
}

bool AttackSocket::closedByPeer() {
    if (fd_ < 0) return true;
    char buffer[4096];
    for (;;) {
        const ssize_t got = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
        if (got > 0) continue;
        if (got == 0) return true;
        if (errno == EINTR) continue;
        // Still connecting (ENOTCONN) or nothing to read (EAGAIN): open.
        return errno == ECONNRESET || errno == EPIPE || errno == ETIMEDOUT || errno == ECONNREFUSED;
    }
}

bool AttackSocket::trySend(std::string_view bytes) {
    if (fd_ < 0) return false;
    const ssize_t put = ::send(fd_, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    return put >= 0 || errno == EAGAIN || errno == EWOULDBLOCK;
}

void AttackSocket::close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

std::string attackerAddress(std::size_t n, std::size_t count) { return "127.0.0." + std::to_string(2 + n % count); }

bool allConnected(std::vector<AttackSocket>& sockets, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        bool all = true;
        for (auto& socket : sockets) all = all && (socket.connected() || socket.closedByPeer());
        if (all) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // a poll interval, up to the deadline
    }
}

std::size_t closedByPeer(std::vector<AttackSocket>& sockets) {
    std::size_t closed = 0;
    for (auto& socket : sockets) closed += socket.closedByPeer() ? 1 : 0;
    return closed;
}

std::string tlsClientHello() {
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context.get()), SSL_free);
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl.get(), in, out);  // ssl owns both
    SSL_connect(ssl.get());           // writes the ClientHello, then wants the server's answer
    char* data = nullptr;
    const long size = BIO_get_mem_data(out, &data);
    if (size <= 0) throw std::runtime_error("OpenSSL wrote no ClientHello");
    return std::string(data, static_cast<std::size_t>(size));
}

std::size_t openDescriptorCount() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
    return count - 1;
}

std::size_t numberBefore(const std::string& line, const std::string& label) {
    const auto at = line.find(label);
    if (at == std::string::npos) throw std::runtime_error("no '" + label + "' in: " + line);
    auto start = at;
    while (start > 0 && std::isdigit(static_cast<unsigned char>(line[start - 1]))) --start;
    if (start == at) throw std::runtime_error("no number before '" + label + "' in: " + line);
    return std::stoul(line.substr(start, at - start));
}

}  // namespace relaysync::tests
