#include "admin/admin_client.h"

#include <sstream>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>

namespace relaysync::core {

Poco::JSON::Object::Ptr askDaemon(const std::string& socket_path, const Poco::JSON::Object::Ptr& request) {
    std::string line;
    try {
        Poco::Net::StreamSocket socket(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socket_path));
        Poco::Net::SocketStream stream(socket);
        request->stringify(stream);
        stream << '\n';
        stream.flush();
        std::getline(stream, line);
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
