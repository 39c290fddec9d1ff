#pragma once
// A protocol message between relays and terminals. docs/protocol.md describes every type and
// its body; codec.h turns messages into the bytes every transport carries.

#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "model/share.h"
#include "relaysync/sdk/transport.h"

namespace relaysync::core {

// Protocol version written into every message; a node refuses other versions. 2: identities
// carry roles, entries are records per owner, policy-data carries only the sending relay's own
// terminals' entries, sync ids are bound to their sender. 3: sync reports name their entries.
// 4: synchronize-progress. 5: remote access, on a lane of its own (protocol/remote_message.h;
// docs/protocol.md, "Changes").
inline constexpr int kProtocolVersion = 5;

enum class MessageType {
    // Group formation (Fig. 10-11)
    group_info,
    request_server_info,
    server_info,
    update_group_info,
    add_group_info,
    delete_group_info,
    // Sharing (Fig. 12)
    create_shared_resource,
    policy_data,
    update_resource_info,
    delete_resource_info,
    // Synchronisation (Fig. 13-16)
    synchronize_instruction,  // terminal <-> its relay
    synchronize,              // relay -> relay
    synchronize_result,       // the answer to either, up the same path
    synchronize_progress,     // relay -> its asker: who is still checking, while a sync is slow
    sync_digests,             // relay -> relay: what the owners' relays hold, after a synchronize
    request_entries,          // relay -> relay: "send me your terminals' records of these owners"
    // The answer to everything else that asks for one
    answer,
};

const char* wireName(MessageType type) noexcept;
std::optional<MessageType> messageTypeFromWire(const std::string& name) noexcept;

struct Message {
    MessageType type = MessageType::answer;
    std::string id;    // unique per sender: "<from>#<n>"; receivers ignore an id seen before
    std::string from;  // must equal the account the transport authenticated
    std::string to;
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    // Not on the wire: the role the transport proved for `from` (receive path only).
    sdk::PeerRole from_role = sdk::PeerRole::unknown;
    // body.entries, when decode() was asked to take them apart (EntriesIn::apart): then the
    // body holds no "entries". Read them with entriesOf (protocol/bodies.h), which takes either.
    std::optional<std::vector<ResourceEntry>> entries;
};

}  // namespace relaysync::core
