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

Poco::JSON::Object::Ptr ServerInfoRequest::toBody() const {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("group_id", group_id);
    body->set("relay", toJson(relay));
    return body;
}

ServerInfoRequest ServerInfoRequest::fromBody(const Poco::JSON::Object::Ptr& body) {
    return {json::requireString(body, "group_id", "body"),
            groupRelayFromJson(json::requireObject(body, "relay", "body"), "body.relay")};
}

Poco::JSON::Object::Ptr ServerInfo::toBody() const {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("group_id", group_id);
    body->set("relay", toJson(relay));
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& terminal : terminals) list->add(toJson(terminal));
    body->set("terminals", list);
    return body;
}

ServerInfo ServerInfo::fromBody(const Poco::JSON::Object::Ptr& body) {
    ServerInfo info{json::requireString(body, "group_id", "body"),
                    groupRelayFromJson(json::requireObject(body, "relay", "body"), "body.relay"), {}};
    const auto terminals = json::requireArray(body, "terminals", "body");
    for (std::size_t i = 0; i < terminals->size(); ++i)
        info.terminals.push_back(terminalFromJson(json::objectAt(terminals, i, "body.terminals"), "body.terminals"));
    return info;
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
