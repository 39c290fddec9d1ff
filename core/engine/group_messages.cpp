#include "engine/group_messages.h"

#include "protocol/bodies.h"
#include "protocol/json_fields.h"

namespace relaysync::core {

Poco::JSON::Object::Ptr GroupUpdate::toBody() const {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("group", toJson(group));
    return body;
}

GroupUpdate GroupUpdate::fromBody(const Poco::JSON::Object::Ptr& body) {
    return {groupFromJson(json::requireObject(body, "group", "body"), "body.group")};
}

Poco::JSON::Object::Ptr TerminalChange::toBody() const {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("group_id", group_id);
    body->set("terminal", toJson(terminal));
    return body;
}

TerminalChange TerminalChange::fromBody(const Poco::JSON::Object::Ptr& body) {
    return {json::requireString(body, "group_id", "body"),
            terminalFromJson(json::requireObject(body, "terminal", "body"), "body.terminal")};
}

}  // namespace relaysync::core
