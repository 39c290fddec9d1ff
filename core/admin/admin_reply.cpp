#include "admin/admin_reply.h"

#include <sstream>

#include <Poco/JSON/Parser.h>

namespace relaysync::core {

Poco::JSON::Object::Ptr errorResponse(const std::string& message) {
    Poco::JSON::Object::Ptr response = new Poco::JSON::Object;
    response->set("ok", false);
    response->set("error", message);
    return response;
}

Poco::JSON::Object::Ptr answerRequest(const AdminHandler& handler, const std::string& line) {
    Poco::JSON::Object::Ptr request;
    try {
        Poco::JSON::Parser parser;
        request = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
        return errorResponse("the request is not a JSON object");
    }
    if (!request) return errorResponse("the request is not a JSON object");
    try {
        auto response = handler(request);
        if (!response) response = new Poco::JSON::Object;
        response->set("ok", true);
        return response;
    } catch (const std::exception& e) {
        return errorResponse(e.what());
    } catch (...) {
        return errorResponse("the command failed for an unknown reason");
    }
}

std::string responseLine(const Poco::JSON::Object::Ptr& response) {
    std::string attachment;
    if (response->has(kAttachment)) {
        Poco::JSON::Object::Ptr result = response;  // the handler's own object, no longer needed as it was
        attachment = result->getValue<std::string>(kAttachment);
        result->remove(kAttachment);
        result->set(kAttachmentBytes, static_cast<Poco::UInt64>(attachment.size()));
    }
    std::ostringstream out;
    response->stringify(out);
    out << '\n';
    auto line = out.str();
    line += attachment;
    return line;
}

}  // namespace relaysync::core
