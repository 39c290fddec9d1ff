#pragma once
// A node's stored state as an operator sees it: the relay group table (patent Fig. 6), the
// shared-resource table (Fig. 7-8) and synchronize reports, as aligned text tables and as JSON
// (the admin CLI's `status --json`). Read-only: reading takes the node's lock and changes nothing.

#include <cstdint>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "engine/engine_base.h"
#include "model/relay_group.h"
#include "model/share.h"
#include "model/sync_report.h"
#include "profile/profile.h"
#include "runtime/node.h"

namespace relaysync::core {

struct ShareStatus {
    Share share;
    std::vector<ResourceEntry> entries;  // live entries, by name
};

// One node's state at one moment.
struct NodeStatus {
    std::string account;
    NodeRole role = NodeRole::relay;
    std::vector<RelayGroup> groups;   // by id
    std::vector<ShareStatus> shares;  // by id
    std::vector<SyncReport> syncs;    // finished synchronizes this node asked for, oldest first
};

// Reads under the node's lock (Node::withEngine).
NodeStatus readNodeStatus(Node& node);
// Reads from an engine the caller already holds exclusively.
NodeStatus readNodeStatus(EngineBase& engine, NodeRole role);

// Relay groups: one row per relay of each group (GROUP, RELAY, DISPLAY NAME), then one row per
// shareable terminal (GROUP, TERMINAL, RELAY, DISPLAY NAME, DEPARTMENT).
std::string renderGroupTable(const NodeStatus& status);
// Shares (SHARE, NAME, GROUP, MEMBERS one per line), then per share its entries (NAME, OWNER,
// LOCATION, STATUS, KIND, SIZE, MODIFIED (UTC), VERSION).
std::string renderShareTable(const NodeStatus& status);
// Both, under a heading naming the node.
std::string renderNodeStatus(const NodeStatus& status);
// What a synchronize found, one item per line.
std::string renderSyncReport(const SyncReport& report);

// JSON with keys in a fixed order:
//   {"account", "role", "groups": [{"id", "relays": [{"account", "display_name"}],
//     "terminals": [{"account", "relay", "display_name", "department"}]}],
//    "shares": [{"id", "name", "group_id", "creator", "members": [...], "version",
//     "entries": [{"name", "owner", "location", "status", "kind", "size", "modified",
//                  "modified_ms", "hash", "version"}]}],
//    "syncs": [<syncReportToJson>]}
Poco::JSON::Object::Ptr statusToJson(const NodeStatus& status);
//   {"sync_id", "share_id", "checked", "unchanged", "changed", "gone", "recovered",
//    "unreachable", "unknown_resources": [...], "unreachable_nodes": [...], "problems": [...]}
Poco::JSON::Object::Ptr syncReportToJson(const SyncReport& report);
// JSON text, indented by `indent` spaces per level (0: one line).
std::string toJsonText(const Poco::JSON::Object::Ptr& object, unsigned indent = 2);

// Milliseconds since the epoch as ISO-8601 UTC to the second: "2007-10-01T15:00:32Z".
std::string isoUtc(std::int64_t milliseconds);

}  // namespace relaysync::core
