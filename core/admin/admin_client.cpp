#include "admin/admin_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include <Poco/JSON/Parser.h>

#include "admin/admin_limits.h"
#include "admin/admin_reply.h"
#include "admin/deadline_io.h"

namespace relaysync::core {

namespace {

// Connects to the Unix socket at `path` by `deadline`. A daemon whose backlog is full (it does
// not accept any more) is asked again until the deadline; one that is not there is an error.
// Returns an invalid descriptor when the deadline passed first.
UniqueFd connectBy(const std::string& path, Deadline deadline) {
    sockaddr_un address{};
    if (path.size() >= sizeof address.sun_path)
        throw AdminConnectionError("cannot reach the daemon at " + path + ": longer than a Unix socket path may be");
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    for (;;) {
        UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!fd) throw AdminConnectionError("cannot reach the daemon at " + path + ": " + std::strerror(errno));
        int result;
        do result = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
        while (result != 0 && errno == EINTR);
        if (result == 0) return fd;
        if (errno == EINPROGRESS) {
            if (!waitReady(fd.get(), POLLOUT, deadline)) return {};
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
            if (error == 0) return fd;
            errno = error;
        }
        if (errno != EAGAIN) throw AdminConnectionError("cannot reach the daemon at " + path + ": " + std::strerror(errno));
        // Its backlog is full: try again shortly.
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) return {};
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(20), deadline - now));
    }
}

// The raw bytes that follow a response line with `attachment_bytes` (admin_reply.h), put back
// under `attachment`.
void readAttachment(int fd, Poco::JSON::Object& response, std::string bytes, Deadline deadline) {
    const auto size = response.getValue<Poco::UInt64>(kAttachmentBytes);
    if (size > 64 * 1024 * 1024) throw AdminConnectionError("the daemon announced an attachment of " + std::to_string(size) + " bytes");
    switch (receiveExactly(fd, bytes, static_cast<std::size_t>(size), deadline)) {
    case IoOutcome::done:
        break;
    case IoOutcome::timed_out:
        throw AdminTimeoutError("the daemon did not send all of its answer in time");
    case IoOutcome::closed:
        throw AdminConnectionError("the daemon closed the connection in the middle of its answer");
    }
    response.remove(kAttachmentBytes);
    response.set(kAttachment, bytes);
}

}  // namespace

Poco::JSON::Object::Ptr askDaemon(const std::string& socket_path, const Poco::JSON::Object::Ptr& request,
                                  Poco::Timespan timeout) {
    const auto budget = std::chrono::milliseconds(std::max<Poco::Timespan::TimeDiff>(timeout.totalMilliseconds(), 1));
    const auto deadline = std::chrono::steady_clock::now() + budget;
    const auto within = " within " + describeSeconds(budget);
    const auto fd = connectBy(socket_path, deadline);
    if (!fd) throw AdminTimeoutError("the daemon at " + socket_path + " did not accept the connection" + within);

    switch (sendAll(fd.get(), responseLine(request), deadline)) {
    case IoOutcome::done:
        break;
    case IoOutcome::timed_out:
        throw AdminTimeoutError("the daemon at " + socket_path + " did not take the request" + within);
    case IoOutcome::closed:
        break;  // it may have answered why (a request over its line limit): read that
    }
    std::string line, after;
    switch (receiveLine(fd.get(), line, deadline, &after)) {
    case IoOutcome::done:
        break;
    case IoOutcome::timed_out:
        throw AdminTimeoutError("the daemon at " + socket_path + " did not answer" + within);
    case IoOutcome::closed:
        if (line.empty())
            throw AdminConnectionError("the daemon at " + socket_path + " closed the connection without answering");
        break;
    }
    try {
        Poco::JSON::Parser parser;
        auto response = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        if (response && response->has("ok")) {
            if (response->has(kAttachmentBytes)) readAttachment(fd.get(), *response, std::move(after), deadline);
            return response;
        }
    } catch (const AdminConnectionError&) {
        throw;
    } catch (const std::exception&) {
    }
    throw AdminConnectionError("the daemon at " + socket_path + " gave no valid answer");
}

}  // namespace relaysync::core
