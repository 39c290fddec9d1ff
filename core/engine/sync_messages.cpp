#include "engine/sync_messages.h"

#include "protocol/bodies.h"
#include "protocol/json_fields.h"

namespace relaysync::core {

Poco::JSON::Object::Ptr SyncRequest::toBody() const {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("sync_id", sync_id);
    body->set("share_id", share_id);
    body->set("names", json::toArray(names));
    return body;
}

SyncRequest SyncRequest::fromBody(const Poco::JSON::Object::Ptr& body) {
    return {json::requireString(body, "sync_id", "body"), json::requireString(body, "share_id", "body"),
            json::requireStrings(body, "names", "body")};
}

Poco::JSON::Object::Ptr reportBody(const SyncReport& report) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("report", toJson(report));
    return body;
}

}  // namespace relaysync::core
