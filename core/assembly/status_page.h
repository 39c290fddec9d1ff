#pragma once
// One page of a node's status, as the admin channel's `status` answers: the node's groups and
// syncs, its shares (or one of them) and a bounded number of their entries in (share id, name)
// order, with a cursor where the next page starts. The node reads no more entries than one
// page holds (persistence/status_queries.h), so a status of a million-entry relay costs what
// one of ten entries costs, and its reply stays under kMaxStatusPageBytes of entries.

#include <cstddef>
#include <optional>
#include <string>

#include "assembly/status_view.h"

namespace relaysync::core {

// Where a page ended: its last entry.
struct StatusCursor {
    std::string share_id, name;
    friend bool operator==(const StatusCursor&, const StatusCursor&) = default;
};

// Opaque to callers: "<hex of the share id>.<hex of the name>", safe in a shell and a URL.
std::string encodeCursor(const StatusCursor& cursor);
// Throws CommandError when `text` is not a cursor a page gave.
StatusCursor decodeCursor(const std::string& text);

// A page holds at most this many entries (and the default is this many)...
inline constexpr std::size_t kMaxStatusPageEntries = 1000;
// ...and stops early when its entries would take more than this in the reply (JSON and text
// together), however long their names and locations are.
inline constexpr std::size_t kMaxStatusPageBytes = 1024 * 1024;

struct StatusPageRequest {
    std::string share;  // only this share (CommandError if it is not held here); empty: all
    std::size_t limit = kMaxStatusPageEntries;  // 0: shares without entries; above the maximum: refused
    std::optional<StatusCursor> after;          // from the first entry when none
    bool count = false;  // count each share's entries: a pass over its records, so only when asked
};

// Reads under the node's lock (Node::withEngine).
NodeStatus readStatusPage(Node& node, const StatusPageRequest& request);
// Reads from an engine the caller already holds exclusively.
NodeStatus readStatusPage(EngineBase& engine, NodeRole role, const StatusPageRequest& request);

}  // namespace relaysync::core
