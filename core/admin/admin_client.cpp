#include "admin/admin_client.h"

#include <sstream>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

namespace relaysync::core {

Poco::JSON::Object::Ptr askDaemon(const std::string& socket_path, const Poco::JSON::Object::Ptr& request,
                                  Poco::Timespan timeout) {
    std::string line;
    try {
        Poco::Net::StreamSocket socket;
        socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socket_path), timeout);
        socket.setSendTimeout(timeout);
        socket.setReceiveTimeout(timeout);
        std::ostringstream out;
        request->stringify(out);
        out << '\n';
        const auto bytes = out.str();
        socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
        // Read to the end of the line; a daemon that stops answering ends in TimeoutException.
        char buffer[4096];
        for (;;) {
            const int got = socket.receiveBytes(buffer, sizeof buffer);
            if (got <= 0) break;
            line.append(buffer, static_cast<std::size_t>(got));
            if (const auto end = line.find('\n'); end != std::string::npos) {
                line.resize(end);
                break;
            }
        }
    } catch (const Poco::TimeoutException&) {
        throw AdminConnectionError("the daemon at " + socket_path + " did not answer within " +
                                   std::to_string(timeout.totalSeconds()) + " s");
    } catch (const Poco::Exception& e) {
        throw AdminConnectionError("cannot reach the daemon at " + socket_path + ": " + e.displayText());
    }
    try {
        Poco::JSON::Parser parser;
        auto response = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        if (response && response->has("ok")) return response;
    } catch (const std::exception&) {
    }
    throw AdminConnectionError("the daemon at " + socket_path + " gave no valid answer");
}

}  // namespace relaysync::core
