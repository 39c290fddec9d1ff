#include "engine/share_messages.h"

#include "protocol/bodies.h"
#include "protocol/json_fields.h"

namespace relaysync::core {

Poco::JSON::Object::Ptr ShareDefinition::toBody() const {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("share", toJson(share));
    return body;
}

ShareDefinition ShareDefinition::fromBody(const Poco::JSON::Object::Ptr& body) {
    return {shareFromJson(json::requireObject(body, "share", "body"), "body.share")};
}

Poco::JSON::Object::Ptr PolicyData::toBody() const {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("share", toJson(share));
    body->set("entries", toJson(entries));
    return body;
}

PolicyData PolicyData::of(const Message& message) {
    if (!message.entries) return fromBody(message.body);
    return {shareFromJson(json::requireObject(message.body, "share", "body"), "body.share"), *message.entries};
}

PolicyData PolicyData::fromBody(const Poco::JSON::Object::Ptr& body) {
    return {shareFromJson(json::requireObject(body, "share", "body"), "body.share"),
            entriesFromJson(body, "entries", "body")};
}

}  // namespace relaysync::core
