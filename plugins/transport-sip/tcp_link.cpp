#include "tcp_link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "tls_client.h"

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

// OpenSSL writes to the socket with write(), not send(MSG_NOSIGNAL): to a peer that has gone,
// that raises SIGPIPE, which would end the whole process. While one exists, SIGPIPE is blocked
// in this thread, and one that this thread's write caused is taken off before unblocking; the
// write sees EPIPE instead. (Callers' threads are not ours to change for good.)
class NoSigpipe {
public:
    NoSigpipe() {
        sigset_t pending;
        sigemptyset(&pending);
        ::sigpending(&pending);
        was_pending_ = sigismember(&pending, SIGPIPE) == 1;
        sigset_t block;
        sigemptyset(&block);
        sigaddset(&block, SIGPIPE);
        ::pthread_sigmask(SIG_BLOCK, &block, &saved_);
    }
    ~NoSigpipe() {
        const int saved_errno = errno;
        if (!was_pending_) {
            sigset_t pending;
            sigemptyset(&pending);
            ::sigpending(&pending);
            if (sigismember(&pending, SIGPIPE) == 1) {
                sigset_t only;
                sigemptyset(&only);
                sigaddset(&only, SIGPIPE);
                const timespec now{0, 0};
                while (::sigtimedwait(&only, nullptr, &now) < 0 && errno == EINTR) {}
            }
        }
        ::pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
        errno = saved_errno;
    }
    NoSigpipe(const NoSigpipe&) = delete;
    NoSigpipe& operator=(const NoSigpipe&) = delete;

private:
    sigset_t saved_;
    bool was_pending_ = false;
};

// Completes the TLS handshake on a connected socket by `deadline`.
bool handshake(SSL* ssl, int fd, Clock::time_point deadline, std::chrono::milliseconds timeout, const TlsClient& tls,
               ConnectFailure* failure) {
    for (;;) {
        int rc = 0;
        int saved_errno = 0;
        {
            const NoSigpipe no_sigpipe;
            ERR_clear_error();
            errno = 0;
            rc = SSL_do_handshake(ssl);
            saved_errno = errno;
        }
        if (rc == 1) return true;
        const int error = SSL_get_error(ssl, rc);
        short events = 0;
        if (error == SSL_ERROR_WANT_READ) events = POLLIN;
        else if (error == SSL_ERROR_WANT_WRITE) events = POLLOUT;
        if (!events) {
            const long verify = SSL_get_verify_result(ssl);
            if (verify != X509_V_OK) {
                failure->certificate_refused = true;
                failure->text = "its TLS certificate was refused: " + std::string(X509_verify_cert_error_string(verify)) +
                                " (checked against the CA file " + tls.caFile() + " for the name " + tls.serverName() + ")";
            } else if (error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
                failure->text = saved_errno ? "TLS handshake failed: " + std::string(std::strerror(saved_errno))
                                            : "the server closed the connection during the TLS handshake (is it a TLS port?)";
            } else {
                failure->text = "TLS handshake failed: " + opensslErrorQueue();
            }
            return false;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0 || waitFor(fd, events, left) <= 0) {
            failure->text = "no TLS handshake within " + std::to_string(timeout.count()) + " ms (is it a TLS port?)";
            return false;
        }
    }
}

}  // namespace

std::shared_ptr<TcpLink> TcpLink::connect(const std::string& host, std::uint16_t port,
                                          std::chrono::milliseconds timeout, const TlsClient* tls,
                                          ConnectFailure* failure) {
    const auto deadline = Clock::now() + timeout;
    std::string* error = &failure->text;
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
        if (!tls) return std::shared_ptr<TcpLink>(new TcpLink(fd, nullptr));
        SSL* ssl = tls->newSession(fd, error);
        if (!ssl) {
            ::close(fd);
            return nullptr;
        }
        // From here the link owns both: its destructor frees them.
        auto link = std::shared_ptr<TcpLink>(new TcpLink(fd, ssl));
        if (!handshake(ssl, fd, deadline, timeout, *tls, failure)) return nullptr;
        return link;
    }
    return nullptr;
}

std::shared_ptr<TcpLink> TcpLink::adopt(int fd, SSL* ssl) { return std::shared_ptr<TcpLink>(new TcpLink(fd, ssl)); }

TcpLink::TcpLink(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {
    sockaddr_storage address{};
    socklen_t size = sizeof address;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) == 0) local_ = addressText(address);
    size = sizeof address;
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&address), &size) == 0) remote_ = addressText(address);
}

TcpLink::~TcpLink() {
    if (ssl_) SSL_free(ssl_);
    ::close(fd_);
}

std::string TcpLink::tlsVersion() const { return ssl_ ? SSL_get_version(ssl_) : ""; }

void TcpLink::shutdown() { ::shutdown(fd_, SHUT_RDWR); }

bool TcpLink::write(const std::string& bytes, std::chrono::milliseconds timeout) {
    std::lock_guard lock(write_mutex_);
    const auto deadline = Clock::now() + timeout;
    std::size_t sent = 0;
    while (ssl_ && sent < bytes.size()) {
        int rc = 0;
        int error = 0;
        int saved_errno = 0;
        {
            std::lock_guard ssl_lock(ssl_mutex_);
            const NoSigpipe no_sigpipe;
            ERR_clear_error();
            errno = 0;
            rc = SSL_write(ssl_, bytes.data() + sent, static_cast<int>(std::min<std::size_t>(bytes.size() - sent, INT_MAX)));
            if (rc <= 0) {
                saved_errno = errno;
                error = SSL_get_error(ssl_, rc);
            }
        }
        if (rc > 0) {
            sent += static_cast<std::size_t>(rc);
            continue;
        }
        if (error == SSL_ERROR_SYSCALL && saved_errno == EINTR) continue;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if ((error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) && left.count() > 0) {
            // WANT_READ: the reader may take what OpenSSL waits for, so look again soon.
            waitFor(fd_, error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, std::min(left, std::chrono::milliseconds(50)));
            continue;
        }
        ERR_clear_error();
        shutdown();
        return false;
    }
    while (!ssl_ && sent < bytes.size()) {
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
    if (ssl_) {
        // 1: something to try (OpenSSL holds bytes, or the socket has some); 0: nothing yet.
        bool try_now;
        {
            std::lock_guard ssl_lock(ssl_mutex_);
            try_now = SSL_has_pending(ssl_) == 1;
        }
        if (!try_now) {
            const int ready = waitFor(fd_, POLLIN, timeout);
            if (ready == 0) return 0;
            if (ready < 0) return errno == EINTR ? 0 : -1;
        }
        std::lock_guard ssl_lock(ssl_mutex_);
        const NoSigpipe no_sigpipe;  // reading may write too (an alert, a key update)
        ERR_clear_error();
        errno = 0;
        const int n = SSL_read(ssl_, buffer, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
        if (n > 0) return n;
        const int saved_errno = errno;
        const int error = SSL_get_error(ssl_, n);
        ERR_clear_error();
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return 0;
        if (error == SSL_ERROR_SYSCALL && (saved_errno == EINTR || saved_errno == EAGAIN)) return 0;
        return -1;
    }
    const int ready = waitFor(fd_, POLLIN, timeout);
    if (ready == 0) return 0;
    if (ready < 0) return errno == EINTR ? 0 : -1;
    const ssize_t n = ::recv(fd_, buffer, size, 0);
    if (n > 0) return n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
    return -1;
}

}  // namespace relaysync::transport_sip
