#pragma once
// JSON forms of the model types carried in message bodies (docs/protocol.md, "Bodies").
// Every fromJson throws ProtocolError naming the field at `where`.

#include <string_view>

#include <Poco/JSON/Object.h>

#include "protocol/json_fields.h"

#include "model/relay_group.h"
#include "model/share.h"
#include "model/sync_report.h"
#include "protocol/message.h"

namespace relaysync::core {

Poco::JSON::Object::Ptr toJson(const GroupRelay& relay);
GroupRelay groupRelayFromJson(const Poco::JSON::Object::Ptr& object, const std::string& where);

Poco::JSON::Object::Ptr toJson(const ShareableTerminal& terminal);
ShareableTerminal terminalFromJson(const Poco::JSON::Object::Ptr& object, const std::string& where);

Poco::JSON::Object::Ptr toJson(const RelayGroup& group);
RelayGroup groupFromJson(const Poco::JSON::Object::Ptr& object, const std::string& where);

Poco::JSON::Object::Ptr toJson(const Share& share);
Share shareFromJson(const Poco::JSON::Object::Ptr& object, const std::string& where);

Poco::JSON::Object::Ptr toJson(const ResourceEntry& entry);
ResourceEntry entryFromJson(const Poco::JSON::Object::Ptr& object, const std::string& where);

// A resource entry's fields as they came, before entryFromFields checks them: what
// entryFromJson reads from a Poco object, and protocol/entries_handler.h straight from the
// parser.
struct EntryFields {
    json::Scalar share_id, name, owner, location, status, kind, modified_ms, size, hash, version, removed;
    // The field a key names; null for a key an entry does not have (ignored, as in any object).
    json::Scalar* field(std::string_view key);
};
ResourceEntry entryFromFields(EntryFields& fields, const std::string& where);

Poco::JSON::Array::Ptr toJson(const std::vector<ResourceEntry>& entries);
std::vector<ResourceEntry> entriesFromJson(const Poco::JSON::Object::Ptr& body, const std::string& key,
                                           const std::string& where);
// A message's body.entries: as decode() took them apart, else read from its body into `storage`.
const std::vector<ResourceEntry>& entriesOf(const Message& message, std::vector<ResourceEntry>& storage);

Poco::JSON::Object::Ptr toJson(const SyncReport& report);
SyncReport reportFromJson(const Poco::JSON::Object::Ptr& object, const std::string& where);

}  // namespace relaysync::core
