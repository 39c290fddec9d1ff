#pragma once
// A node's stored state as an operator sees it: the relay group table (patent Fig. 6), the
// shared-resource table (Fig. 7-8) and synchronize reports, as aligned text tables and as JSON
// (the admin CLI's `status --json`). Read-only: reading takes the node's lock and changes nothing.

#include <cstddef>
#include <cstdint>
#include <optional>
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
    std::vector<ResourceEntry> entries;  // live entries, by name: all, or those on one page
    std::optional<std::int64_t> entry_count = std::nullopt;  // how many it has, when counted
    // Paged: whether this page covers the share at all (empty then means it has none left),
    // and whether its entries continue those of the previous page.
    bool on_page = true;
    bool continued = false;
};

// A status read one page at a time (assembly/status_page.h).
struct StatusPageInfo {
    std::size_t limit = 0;   // entries a page may hold
    bool continued = false;  // it went on from a previous page's cursor
    std::string next;        // the cursor of the next page; empty on the last one
};

// One node's state at one moment.
struct NodeStatus {
    std::string account;
    NodeRole role = NodeRole::relay;
    std::vector<RelayGroup> groups;   // by id
    std::vector<ShareStatus> shares;  // by id
    std::vector<SyncReport> syncs;    // finished synchronizes this node asked for, oldest first
    std::optional<StatusPageInfo> page;  // set when the entries are one page of them
};

// Everything, every entry of every share included: for in-process tools on small nodes (the
// demo, tests). The admin channel reads pages instead (readStatusPage).
// Reads under the node's lock (Node::withEngine).
NodeStatus readNodeStatus(Node& node);
// Reads from an engine the caller already holds exclusively.
NodeStatus readNodeStatus(EngineBase& engine, NodeRole role);
// The account, role, groups and syncs, without shares.
NodeStatus readNodeSummary(EngineBase& engine, NodeRole role);

// Relay groups: one row per relay of each group (GROUP, RELAY, DISPLAY NAME), then one row per
// shareable terminal (GROUP, TERMINAL, RELAY, DISPLAY NAME, DEPARTMENT).
std::string renderGroupTable(const NodeStatus& status);
// Shares (SHARE, NAME, GROUP, MEMBERS one per line, ENTRIES when counted), then per share its
// entries (NAME, OWNER, LOCATION, STATUS, KIND, SIZE in B/KB/MB/GB, MODIFIED in local time, VERSION). A page shows
// only the shares it covers; one that continues a previous page shows its entries alone.
std::string renderShareTable(const NodeStatus& status);
// Both, under a heading naming the node; a page that continues another: its entries alone.
std::string renderNodeStatus(const NodeStatus& status);
// What a synchronize found, one item per line.
std::string renderSyncReport(const SyncReport& report);

// JSON with keys in a fixed order:
//   {"account", "role", "groups": [{"id", "relays": [{"account", "display_name"}],
//     "terminals": [{"account", "relay", "display_name", "department"}]}],
//    "shares": [{"id", "name", "group_id", "creator", "members": [...], "version",
//     "entry_count" (when counted),
//     "entries": [{"name", "owner", "location", "status", "kind", "size", "modified",
//                  "modified_ms", "hash", "version"}]}],
//    "syncs": [<syncReportToJson>],
//    "page": {"limit", "entries", "next"} (when paged; "next" is "" on the last page)}
Poco::JSON::Object::Ptr statusToJson(const NodeStatus& status);
//   {"sync_id", "share_id", "checked", "unchanged", "changed", "gone", "recovered",
//    "unreachable", "unknown_resources": [...], "unreachable_nodes": [...], "problems": [...]}
Poco::JSON::Object::Ptr syncReportToJson(const SyncReport& report);
// JSON text, indented by `indent` spaces per level (0: one line).
std::string toJsonText(const Poco::JSON::Object::Ptr& object, unsigned indent = 2);

// Milliseconds since the epoch as ISO-8601 UTC to the second: "2007-10-01T15:00:32Z".
std::string isoUtc(std::int64_t milliseconds);

}  // namespace relaysync::core
