#include "protocol/codec.h"

#include <sstream>

#include <Poco/Exception.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include "protocol/entries_handler.h"
#include "protocol/json_fields.h"
#include "protocol/protocol_error.h"

namespace relaysync::core {

std::string stringifyBody(const Poco::JSON::Object& body) {
    std::ostringstream out;
    body.stringify(out);
    return std::move(out).str();
}

std::string encode(const Message& message) { return encode(message, stringifyBody(*message.body)); }

std::string encode(const Message& message, std::string_view body_json) {
    // The envelope as Poco writes an object: keys in sorted order, no spaces. Only the body is
    // large, and it is copied in once.
    std::ostringstream head;
    const auto field = [&head](const char* key, const std::string& value) {
        head << ",\"" << key << "\":";
        Poco::JSON::Stringifier::formatString(value, head);
    };
    field("from", message.from);
    field("id", message.id);
    head << ",\"relaysync\":" << kProtocolVersion;
    field("to", message.to);
    field("type", wireName(message.type));
    head << "}";
    const auto tail = std::move(head).str();
    std::string bytes;
    bytes.reserve(9 + body_json.size() + tail.size());
    bytes += "{\"body\":";
    bytes += body_json;
    bytes += tail;
    // Every receiver refuses more; senders split large bodies (entry_chunks.h).
    if (bytes.size() > kMaxMessageBytes)
        throw ProtocolError(std::string(wireName(message.type)) + " message of " + std::to_string(bytes.size()) +
                            " bytes exceeds the limit of " + std::to_string(kMaxMessageBytes));
    return bytes;
}

Poco::JSON::Object::Ptr parseJsonObject(std::string_view text, const std::string& what,
                                        const Poco::JSON::Handler::Ptr& handler) {
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser(handler ? handler : Poco::JSON::Handler::Ptr(new Poco::JSON::ParseHandler));
        parsed = parser.parse(std::string(text));
    } catch (const Poco::Exception& e) {
        throw ProtocolError(what + " is not valid JSON: " + e.displayText());
    } catch (const std::exception& e) {
        throw ProtocolError(what + " is not valid JSON: " + e.what());
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) throw ProtocolError(what + " is not a JSON object");
    auto object = parsed.extract<Poco::JSON::Object::Ptr>();
    if (!object) throw ProtocolError(what + " is not a JSON object");
    return object;
}

void requireOwnProtocolVersion(const Poco::JSON::Object::Ptr& envelope) {
    const auto version = json::requireInt(envelope, "relaysync", "message");
    if (version != kProtocolVersion)
        throw ProtocolError("message has protocol version " + std::to_string(version) + ", this node speaks " +
                            std::to_string(kProtocolVersion));
}

Message decode(const std::string& payload, EntriesIn entries) {
    if (payload.size() > kMaxMessageBytes)
        throw ProtocolError("message of " + std::to_string(payload.size()) + " bytes exceeds the limit of " +
                            std::to_string(kMaxMessageBytes));
    Poco::SharedPtr<EntriesHandler> apart;
    if (entries == EntriesIn::apart) apart = new EntriesHandler;
    const auto envelope = parseJsonObject(payload, "message", apart);
    requireOwnProtocolVersion(envelope);
    Message message;
    const auto type = json::requireString(envelope, "type", "message");
    const auto parsed = messageTypeFromWire(type);
    if (!parsed) throw ProtocolError("message has unknown type '" + type + "'");
    message.type = *parsed;
    message.id = json::requireString(envelope, "id", "message");
    message.from = json::requireString(envelope, "from", "message");
    message.to = json::requireString(envelope, "to", "message");
    message.body = json::requireObject(envelope, "body", "message");
    if (message.id.empty()) throw ProtocolError("field 'message.id' is empty");
    if (apart) message.entries = apart->takeEntries();
    return message;
}

}  // namespace relaysync::core
