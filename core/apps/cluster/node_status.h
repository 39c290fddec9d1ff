#pragma once
// A node's state as its admin channel reports it (`status`, core/assembly/status_view.h), read
// back from the JSON into plain values that a test or a program can compare and search.

#include <cstdint>
#include <functional>
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
    std::vector<EntryView> entries;  // live entries, by name (of one page, or gathered from all)
    std::optional<std::int64_t> entry_count;  // when the status was asked to count
    bool operator==(const ShareView&) const = default;
    const EntryView* entry(const std::string& name) const;
};

// A synchronize report (`syncReportToJson`).
struct SyncReportView {
    std::string sync_id, share_id;
    std::int64_t checked = 0, unchanged = 0, changed = 0, gone = 0, recovered = 0, unreachable = 0;
    std::vector<std::string> unknown_resources, unreachable_nodes, problems;
    // "NAME (OWNER)" of the entries behind the counts (at most 50 each).
    std::vector<std::string> changed_entries, gone_entries, recovered_entries, unreachable_entries;
    std::string text;  // the operator's rendering, when the answer carried one
};

struct NodeStatusView {
    std::string account, role;
    std::vector<GroupView> groups;  // by id
    std::vector<ShareView> shares;  // by id
    std::vector<SyncReportView> syncs;
    std::string text;  // the rendered tables (the answer's "text"; of the first page)
    std::string next;  // where the next page starts (the answer's "page.next"); empty: none

    const GroupView* group(const std::string& id) const;
    const ShareView* share(const std::string& id) const;
    const ShareView* shareNamed(const std::string& name) const;
    const EntryView* entry(const std::string& share_id, const std::string& name) const;
};

// Both throw ClusterError naming the field when the JSON is not what status_view.h writes.
NodeStatusView parseNodeStatus(const Poco::JSON::Object::Ptr& status);
SyncReportView parseSyncReport(const Poco::JSON::Object::Ptr& report);

// `status` asked page after page (`ask` sends the command with these args and returns the
// answer), each share's entries gathered from every page: for tests and tools that compare
// whole shares. The groups, syncs and text are the first page's.
NodeStatusView readAllPages(const std::function<Poco::JSON::Object::Ptr(const Poco::JSON::Object::Ptr& args)>& ask);

}  // namespace relaysync::cluster
