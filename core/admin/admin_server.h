#pragma once
// The daemon's local admin channel: a Unix domain socket, mode 0600, that only root and the
// daemon's own user may use (checked by the peer's credentials on every connection). One JSON
// request per line in, one JSON response per line out, within the limits of AdminLimits.

#include <memory>
#include <string>

#include <Poco/JSON/Object.h>

#include "admin/admin_limits.h"
#include "admin/admin_reply.h"
#include "admin/admin_service.h"
#include "admin/already_running.h"

namespace Poco::Net {
class ServerSocket;
}

namespace relaysync::core {

class AdminServer {
public:
    // Answers one request. Throwing CommandError (or any std::exception) makes an error response.
    // Called from several threads at once (AdminLimits::workers).
    using Handler = AdminHandler;

    AdminServer(std::string socket_path, Handler handler, AdminLimits limits = {});
    ~AdminServer();

    // Binds the socket, so that it is this server's before the node talks to anyone; clients
    // that connect wait until start(). A socket file already at the path is replaced only when
    // nothing listens on it any more (its daemon died): throws AlreadyRunning when a process
    // still answers there, std::runtime_error when the path holds something that is not a
    // socket or cannot be bound.
    void claim();
    // Claims the socket if not yet done, and starts serving; throws as claim() does.
    void start();
    // Stops serving (commands already running finish first) and removes the socket file, if
    // this server claimed it.
    void stop();

    const std::string& socketPath() const { return socket_path_; }
    const AdminLimits& limits() const { return limits_; }
    // What it has served and cut since start(); zeros before.
    AdminServerCounts counts() const;

private:
    std::string socket_path_;
    Handler handler_;
    AdminLimits limits_;
    std::unique_ptr<Poco::Net::ServerSocket> socket_;
    std::unique_ptr<AdminService> service_;
};

}  // namespace relaysync::core
