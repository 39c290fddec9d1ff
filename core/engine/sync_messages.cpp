#include "engine/sync_messages.h"

#include "protocol/bodies.h"
#include "protocol/json_fields.h"
#include "protocol/protocol_error.h"

namespace relaysync::core {

namespace {
Poco::JSON::Object::Ptr digestsJson(const OwnerDigests& digests) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    for (const auto& [owner, digest] : digests) object->set(owner, digest);
    return object;
}

OwnerDigests digestsFromJson(const Poco::JSON::Object::Ptr& object) {
    OwnerDigests digests;
    for (const auto& owner : object->getNames()) digests[owner] = json::requireString(object, owner, "body.digests");
    return digests;
}
}  // namespace

std::optional<OwnerDigests> digestsOf(const Poco::JSON::Object::Ptr& body) {
    if (!body->has("digests")) return std::nullopt;
    return digestsFromJson(json::requireObject(body, "digests", "body"));
}

Poco::JSON::Object::Ptr SyncRequest::toBody() const {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("sync_id", sync_id);
    body->set("share_id", share_id);
    body->set("names", json::toArray(names));
    if (digests) body->set("digests", digestsJson(*digests));
    if (!group_id.empty()) body->set("group_id", group_id);
    if (!creator.empty()) body->set("creator", creator);
    body->set("timeout_ms", timeout_ms);
    return body;
}

SyncRequest SyncRequest::fromBody(const Poco::JSON::Object::Ptr& body) {
    SyncRequest request(json::requireString(body, "sync_id", "body"), json::requireString(body, "share_id", "body"),
                        json::requireStrings(body, "names", "body"), digestsOf(body));
    request.group_id = json::optionalString(body, "group_id");
    request.creator = json::optionalString(body, "creator");
    request.timeout_ms = body->optValue<Poco::Int64>("timeout_ms", kDefaultSyncTimeoutMs);
    if (request.timeout_ms <= 0 || request.timeout_ms > 24LL * 3600 * 1000)
        throw ProtocolError("field 'body.timeout_ms' must be between 1 ms and 24 hours");
    return request;
}

Poco::JSON::Object::Ptr reportBody(const SyncReport& report, const std::optional<OwnerDigests>& digests) {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("report", toJson(report));
    if (digests) body->set("digests", digestsJson(*digests));
    return body;
}

SyncProgress SyncProgress::bounded(std::string sync_id, const std::vector<std::string>& still_checking) {
    SyncProgress progress;
    progress.sync_id = std::move(sync_id);
    const auto listed = std::min(still_checking.size(), kMaxListed);
    progress.still_checking.assign(still_checking.begin(), still_checking.begin() + static_cast<std::ptrdiff_t>(listed));
    progress.more = static_cast<std::int64_t>(still_checking.size() - listed);
    return progress;
}

Poco::JSON::Object::Ptr SyncProgress::toBody() const {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("sync_id", sync_id);
    body->set("still_checking", json::toArray(still_checking));
    body->set("more", more);
    return body;
}

SyncProgress SyncProgress::fromBody(const Poco::JSON::Object::Ptr& body) {
    SyncProgress progress;
    progress.sync_id = json::requireString(body, "sync_id", "body");
    progress.still_checking = json::requireStrings(body, "still_checking", "body");
    progress.more = body->optValue<Poco::Int64>("more", 0);
    // A sender names at most kMaxListed; more would let one peer grow every session it is in.
    if (progress.still_checking.size() > kMaxListed)
        throw ProtocolError("field 'body.still_checking' lists more than " + std::to_string(kMaxListed) + " nodes");
    if (progress.more < 0) throw ProtocolError("field 'body.more' must not be negative");
    return progress;
}

Poco::JSON::Object::Ptr SyncDigests::toBody() const {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("sync_id", sync_id);
    body->set("share_id", share_id);
    body->set("digests", digestsJson(digests));
    return body;
}

SyncDigests SyncDigests::fromBody(const Poco::JSON::Object::Ptr& body) {
    return {json::requireString(body, "sync_id", "body"), json::requireString(body, "share_id", "body"),
            digestsFromJson(json::requireObject(body, "digests", "body"))};
}

Poco::JSON::Object::Ptr EntriesRequest::toBody() const {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("share_id", share_id);
    body->set("owners", json::toArray(owners));
    body->set("definition", definition);
    return body;
}

EntriesRequest EntriesRequest::fromBody(const Poco::JSON::Object::Ptr& body) {
    return {json::requireString(body, "share_id", "body"), json::requireStrings(body, "owners", "body"),
            body->optValue<bool>("definition", false)};
}

}  // namespace relaysync::core
