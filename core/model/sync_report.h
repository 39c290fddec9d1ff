#pragma once
// What one synchronize found, summed up over every terminal it reached.

#include <cstdint>
#include <string>
#include <vector>

namespace relaysync::core {

struct SyncReport {
    std::string sync_id;
    std::string share_id;
    std::int64_t checked = 0;      // entities looked at
    std::int64_t unchanged = 0;
    std::int64_t changed = 0;      // entries whose details were rewritten
    std::int64_t gone = 0;         // entries removed or marked "file not found"
    std::int64_t recovered = 0;    // entries back to "ok" after "file not found"/"unreachable"
    std::int64_t unreachable = 0;  // entries whose store could not be reached
    std::vector<std::string> unknown_resources;   // named in a targeted sync, not in the share
    std::vector<std::string> unreachable_nodes;   // relays/terminals that could not be asked
    std::vector<std::string> problems;            // e.g. "client31: deletion limit ..."
    // Which entries the counts above are made of: "NAME (OWNER)" each, so that an operator sees
    // what changed, went, came back or could not be reached, not only how many (protocol 3).
    std::vector<std::string> changed_entries;
    std::vector<std::string> gone_entries;
    std::vector<std::string> recovered_entries;
    std::vector<std::string> unreachable_entries;
    // What the three lists above left out, to stay bounded: a report carries counts and at most
    // kMaxExamples examples of each kind, whatever the size of the share or the network.
    std::int64_t more_unknown_resources = 0;
    std::int64_t more_unreachable_nodes = 0;
    std::int64_t more_problems = 0;
    std::int64_t more_changed_entries = 0;
    std::int64_t more_gone_entries = 0;
    std::int64_t more_recovered_entries = 0;
    std::int64_t more_unreachable_entries = 0;
    static constexpr std::size_t kMaxExamples = 50;

    // Adds `example` to `list` while it holds fewer than kMaxExamples, else counts it in `more`.
    static void note(std::vector<std::string>& list, std::int64_t& more, std::string example);

    // Adds `other`'s counts and examples, within the bound.
    void merge(const SyncReport& other);
    // Cuts each list to kMaxExamples, counting what it cut.
    void bound();
    // "checked 12: 9 unchanged, 2 changed, 1 gone, 0 unreachable" plus problems, one line each.
    std::string summary() const;
};

}  // namespace relaysync::core
