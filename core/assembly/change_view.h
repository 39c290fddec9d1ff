#pragma once
// What a user's or operator's undo did, as the admin channel answers it: the share's definition
// after a member change or its deletion, a resource's tombstone, a group's relays after one was
// taken out, the record of a relay that left. Each result is JSON with the exact values, plus
// "text", an aligned table in which values from the network are escaped and shortened
// (text_cell.h).

#include <Poco/JSON/Object.h>

#include "model/relay_group.h"
#include "model/share.h"

namespace relaysync::core {

// {"share": {"id", "name", "group_id", "creator", "members": [...], "version", "removed"},
//  "text": SHARE NAME GROUP VERSION STATE MEMBERS}
Poco::JSON::Object::Ptr shareChangeResult(const Share& share);
// {"share_id", "name", "owner", "location", "version", "removed", "text": SHARE NAME OWNER VERSION STATE}
Poco::JSON::Object::Ptr removedResourceResult(const ResourceEntry& tombstone);
// {"group_id", "relays": [{"account", "display_name", "version", "removed"}],
//  "text": GROUP RELAY DISPLAY NAME VERSION STATE, the relays in the group, then those taken out}
Poco::JSON::Object::Ptr groupRelaysResult(const RelayGroup& group);
// {"group_id", "relay", "version", "removed", "text": one line}
Poco::JSON::Object::Ptr leftGroupResult(const std::string& group_id, const GroupRelay& tombstone);

}  // namespace relaysync::core
