#pragma once
// JSON forms of the model types carried in message bodies (docs/protocol.md, "Bodies").
// Every fromJson throws ProtocolError naming the field at `where`.

#include <Poco/JSON/Object.h>

#include "model/relay_group.h"
#include "model/share.h"
#include "model/sync_report.h"

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

Poco::JSON::Array::Ptr toJson(const std::vector<ResourceEntry>& entries);
std::vector<ResourceEntry> entriesFromJson(const Poco::JSON::Object::Ptr& body, const std::string& key,
                                           const std::string& where);

Poco::JSON::Object::Ptr toJson(const SyncReport& report);
SyncReport reportFromJson(const Poco::JSON::Object::Ptr& object, const std::string& where);

}  // namespace relaysync::core
