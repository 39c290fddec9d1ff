#pragma once
// The daemon's local admin channel: a Unix domain socket, mode 0600, that only root and the
// daemon's own user may use (checked by the peer's credentials on every connection). One JSON
// request per line in, one JSON response per line out.

#include <functional>
#include <memory>
#include <string>

#include <Poco/JSON/Object.h>

#include "admin/already_running.h"

namespace Poco::Net {
class ServerSocket;
class TCPServer;
}

namespace relaysync::core {

class AdminServer {
public:
    // Answers one request. Throwing CommandError (or any std::exception) makes an error response.
    using Handler = std::function<Poco::JSON::Object::Ptr(const Poco::JSON::Object::Ptr& request)>;

    AdminServer(std::string socket_path, Handler handler);
    ~AdminServer();

    // Binds the socket, so that it is this server's before the node talks to anyone; clients
    // that connect wait until start(). A socket file already at the path is replaced only when
    // nothing listens on it any more (its daemon died): throws AlreadyRunning when a process
    // still answers there, std::runtime_error when the path holds something that is not a
    // socket or cannot be bound.
    void claim();
    // Claims the socket if not yet done, and starts serving; throws as claim() does.
    void start();
    // Stops serving and removes the socket file, if this server claimed it.
    void stop();

    const std::string& socketPath() const { return socket_path_; }

private:
    std::string socket_path_;
    Handler handler_;
    std::unique_ptr<Poco::Net::ServerSocket> socket_;
    std::unique_ptr<Poco::Net::TCPServer> server_;
};

// The request line limit; a longer request is refused.
inline constexpr std::size_t kMaxAdminRequestBytes = 1024 * 1024;

}  // namespace relaysync::core
