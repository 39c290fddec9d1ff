#include "admin/admin_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sstream>

#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

namespace relaysync::core {

namespace {

Poco::JSON::Object::Ptr errorResponse(const std::string& message) {
    Poco::JSON::Object::Ptr response = new Poco::JSON::Object;
    response->set("ok", false);
    response->set("error", message);
    return response;
}

// Only root and the daemon's own user: the socket's file mode says the same, this makes sure.
bool peerIsTrusted(int fd) {
    ucred credentials{};
    socklen_t length = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return false;
    return credentials.uid == 0 || credentials.uid == geteuid();
}

class AdminConnection final : public Poco::Net::TCPServerConnection {
public:
    AdminConnection(const Poco::Net::StreamSocket& socket, const AdminServer::Handler& handler)
        : Poco::Net::TCPServerConnection(socket), handler_(handler) {}

    void run() override {
        Poco::Net::SocketStream stream(socket());
        const bool trusted = peerIsTrusted(socket().impl()->sockfd());
        std::string line;
        while (readLine(stream, line)) {
            if (!trusted) {
                // Answered, not just closed, so the user sees why; nothing of the request is used.
                Poco::Logger::get("relaysync.admin").warning("admin: refused a request from another user");
                reply(stream, errorResponse("permission denied: only root and the daemon's user may administer it"));
                return;
            }
            reply(stream, answer(line));
        }
    }

private:
    static bool readLine(std::istream& in, std::string& line) {
        line.clear();
        for (char c; in.get(c);) {
            if (c == '\n') return true;
            if (line.size() >= kMaxAdminRequestBytes) return false;
            line.push_back(c);
        }
        return false;
    }

    Poco::JSON::Object::Ptr answer(const std::string& line) const {
        Poco::JSON::Object::Ptr request;
        try {
            Poco::JSON::Parser parser;
            request = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        } catch (const std::exception&) {
            return errorResponse("the request is not a JSON object");
        }
        try {
            auto response = handler_(request);
            response->set("ok", true);
            return response;
        } catch (const std::exception& e) {
            return errorResponse(e.what());
        }
    }

    static void reply(std::ostream& out, const Poco::JSON::Object::Ptr& response) {
        response->stringify(out);
        out << '\n';
        out.flush();
    }

    const AdminServer::Handler& handler_;
};

class AdminConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
public:
    explicit AdminConnectionFactory(const AdminServer::Handler& handler) : handler_(handler) {}
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
        return new AdminConnection(socket, handler_);
    }

private:
    const AdminServer::Handler& handler_;
};

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

AdminServer::AdminServer(std::string socket_path, Handler handler)
    : socket_path_(std::move(socket_path)), handler_(std::move(handler)) {}

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
    if (server_) return;
    try {
        auto parameters = new Poco::Net::TCPServerParams;
        parameters->setMaxThreads(4);
        server_ = std::make_unique<Poco::Net::TCPServer>(new AdminConnectionFactory(handler_), *socket_, parameters);
        server_->start();
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("admin socket " + socket_path_ + ": " + e.displayText());
    }
}

void AdminServer::stop() {
    if (server_) {
        server_->stop();
        server_.reset();
    }
    if (!socket_) return;  // never claimed: whatever is at the path is not ours
    socket_.reset();
    std::error_code ignored;
    std::filesystem::remove(socket_path_, ignored);
}

}  // namespace relaysync::core
