#include "admin/admin_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include <Poco/Net/ServerSocket.h>

namespace relaysync::core {

namespace {

// The pid of the process listening on the Unix socket at `path` (0 when it cannot be told),
// or nothing when no process listens there any more.
std::optional<pid_t> listenerOf(const std::string& path) {
    sockaddr_un address{};
    if (path.size() >= sizeof address.sun_path)
        throw std::runtime_error("admin socket " + path + ": longer than a Unix socket path may be (" +
                                 std::to_string(sizeof address.sun_path - 1) + " bytes)");
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("admin socket " + path + ": " + std::strerror(errno));
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    std::optional<pid_t> listener;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
        ucred credentials{};
        socklen_t length = sizeof credentials;
        listener = ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 ? credentials.pid : 0;
    } else if (errno == EAGAIN) {
        listener = 0;  // its backlog is full: alive, but busy
    } else if (errno != ECONNREFUSED && errno != ENOENT) {
        const auto reason = std::string(std::strerror(errno));
        ::close(fd);
        throw std::runtime_error("admin socket " + path + ": cannot tell whether a daemon still uses it: " + reason);
    }
    ::close(fd);
    return listener;
}

// Makes way for binding `path`. Only a socket that nobody listens on is removed: a live one
// belongs to a running daemon (which a second one must not take over), and a file that is not
// a socket is not ours to delete (a mistyped admin.socket could name the database).
void clearStaleSocket(const std::string& path) {
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) return;  // nothing there; bind reports other problems
    if (!S_ISSOCK(info.st_mode))
        throw std::runtime_error("admin socket " + path + ": something that is not a socket is there; not replacing it");
    if (const auto pid = listenerOf(path))
        throw AlreadyRunning("already running (pid " + (*pid > 0 ? std::to_string(*pid) : std::string("unknown")) +
                             ") on admin socket " + path);
    ::unlink(path.c_str());
}

}  // namespace

AdminServer::AdminServer(std::string socket_path, Handler handler, AdminLimits limits)
    : socket_path_(std::move(socket_path)), handler_(std::move(handler)), limits_(limits) {}

AdminServer::~AdminServer() { stop(); }

void AdminServer::claim() {
    if (socket_) return;
    clearStaleSocket(socket_path_);
    try {
        auto socket = std::make_unique<Poco::Net::ServerSocket>();
        // The socket file is made owner-only from the start: no window where others can connect.
        const mode_t previous = ::umask(0077);
        try {
            socket->bind(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socket_path_));
        } catch (...) {
            ::umask(previous);
            throw;
        }
        ::umask(previous);
        socket_ = std::move(socket);
        socket_->listen();
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("admin socket " + socket_path_ + ": " + e.displayText());
    }
}

void AdminServer::start() {
    claim();
    if (service_) return;
    try {
        service_ = std::make_unique<AdminService>(socket_->impl()->sockfd(), handler_, limits_);
    } catch (const std::exception& e) {
        throw std::runtime_error("admin socket " + socket_path_ + ": " + e.what());
    }
}

void AdminServer::stop() {
    service_.reset();  // before the socket it serves is closed
    if (!socket_) return;  // never claimed: whatever is at the path is not ours
    socket_.reset();
    std::error_code ignored;
    std::filesystem::remove(socket_path_, ignored);
}

AdminServerCounts AdminServer::counts() const { return service_ ? service_->counts() : AdminServerCounts{}; }

}  // namespace relaysync::core
