#pragma once
// Bodies of the group messages (docs/protocol.md §4.1-4.2): a whole group (group-info,
// update-group-info) and one terminal's record in a group (add-group-info, delete-group-info).

#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "model/relay_group.h"

namespace relaysync::core {

// group-info, update-group-info: the group as the sender stores it, its relays' records
// (tombstones included) and the terminals admitted in it.
struct GroupUpdate {
    RelayGroup group;

    Poco::JSON::Object::Ptr toBody() const;
    static GroupUpdate fromBody(const Poco::JSON::Object::Ptr& body);
};

// request-server-info: a relay asks another of the group for its record and terminals, giving
// its own record (of which the receiver takes the display name).
struct ServerInfoRequest {
    std::string group_id;
    GroupRelay relay;

    Poco::JSON::Object::Ptr toBody() const;
    static ServerInfoRequest fromBody(const Poco::JSON::Object::Ptr& body);
};

// server-info: the answer, the sender's record and the records of the terminals registered at it.
struct ServerInfo {
    std::string group_id;
    GroupRelay relay;
    std::vector<ShareableTerminal> terminals;

    Poco::JSON::Object::Ptr toBody() const;
    static ServerInfo fromBody(const Poco::JSON::Object::Ptr& body);
};

// add-group-info, delete-group-info: a terminal's record in a group, from its own relay.
struct TerminalChange {
    std::string group_id;
    ShareableTerminal terminal;

    Poco::JSON::Object::Ptr toBody() const;
    static TerminalChange fromBody(const Poco::JSON::Object::Ptr& body);
};

}  // namespace relaysync::core
