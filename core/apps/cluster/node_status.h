#pragma once
// A node's state as its admin channel reports it (`status`, core/assembly/status_view.h), read
// back from the JSON into plain values that a test or a program can compare and search.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

namespace relaysync::cluster {

struct GroupRelayView {
    std::string account, display_name;
    bool operator==(const GroupRelayView&) const = default;
};

struct TerminalView {
    std::string account, relay, display_name, department;
    bool operator==(const TerminalView&) const = default;
};

struct GroupView {
    std::string id;
    std::vector<GroupRelayView> relays;
    std::vector<TerminalView> terminals;
    bool operator==(const GroupView&) const = default;
    bool hasRelay(const std::string& account) const;
    const TerminalView* terminal(const std::string& account) const;
};

struct EntryView {
    std::string name, owner, location, status, kind;
    std::uint64_t size = 0;
    std::int64_t modified_ms = 0;
    std::string hash;
    std::int64_t version = 0;
    bool operator==(const EntryView&) const = default;
};

struct ShareView {
    std::string id, name, group_id, creator;
    std::vector<std::string> members;
    std::int64_t version = 0;
    std::vector<EntryView> entries;  // live entries, by name
    bool operator==(const ShareView&) const = default;
    const EntryView* entry(const std::string& name) const;
};

// A synchronize report (`syncReportToJson`).
struct SyncReportView {
    std::string sync_id, share_id;
    std::int64_t checked = 0, unchanged = 0, changed = 0, gone = 0, recovered = 0, unreachable = 0;
    std::vector<std::string> unknown_resources, unreachable_nodes, problems;
    std::string text;  // the operator's rendering, when the answer carried one
};

struct NodeStatusView {
    std::string account, role;
    std::vector<GroupView> groups;  // by id
    std::vector<ShareView> shares;  // by id
    std::vector<SyncReportView> syncs;
    std::string text;  // the rendered tables (the answer's "text")

    const GroupView* group(const std::string& id) const;
    const ShareView* share(const std::string& id) const;
    const ShareView* shareNamed(const std::string& name) const;
    const EntryView* entry(const std::string& share_id, const std::string& name) const;
};

// Both throw ClusterError naming the field when the JSON is not what status_view.h writes.
NodeStatusView parseNodeStatus(const Poco::JSON::Object::Ptr& status);
SyncReportView parseSyncReport(const Poco::JSON::Object::Ptr& report);

}  // namespace relaysync::cluster
