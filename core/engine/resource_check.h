#pragma once
// CheckResource (patent Fig. 16): a terminal looks at every entity it owns in a share, and
// decides each entry's fate. CheckAnotherResourceInfo comes with it: an entity is checked
// once, and the outcome applies to every share this terminal lists it in.

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/check_inspection.h"
#include "engine/check_records.h"
#include "engine/store_router.h"
#include "model/gone_entity_mode.h"
#include "model/share.h"
#include "model/sync_report.h"
#include "persistence/share_repository.h"
#include "relaysync/sdk/entity_checker.h"

namespace relaysync::core {

struct CheckPolicy {
    GoneEntityMode gone_entity = GoneEntityMode::mark;
    std::size_t max_removals = 100;
    // How long looking at one entity may take (a folder: its whole walk); past it the entity
    // counts as unreachable. Profile `limits.store_call_timeout_ms`.
    std::chrono::milliseconds store_call_timeout{120'000};
};

struct CheckPlan {
    SyncReport report;
    // New versions of entries, by share: rewritten details or status, and tombstones.
    std::map<std::string, std::vector<ResourceEntry>> updates;
    std::map<std::string, std::vector<ResourceEntry>> deletions;
    bool aborted = false;  // the deletion limit stopped it; nothing is to be changed
};

// CheckResource runs in three steps, so that a node reads the disk without holding its lock or
// a transaction: snapshot (with the lock), inspect (without), then plan and apply (with it).

// What is to be looked at: every record of `owner` that lists one of the entities asked for,
// in any share (CheckAnotherResourceInfo), sorted by location, so that the records of one
// entity are next to each other and the entities of one folder mostly are too.
struct CheckSnapshot {
    std::string owner;
    std::string share_id;
    std::vector<std::string> names;  // empty: the whole share
    CheckRecords records;
};
// `storage`: the records of an earlier snapshot, whose buffers are reused.
CheckSnapshot snapshotResourceCheck(const std::string& owner, const std::string& share_id,
                                    const std::vector<std::string>& names, ShareRepository& shares,
                                    CheckRecords storage = {});

// What the checker said of each record of the snapshot (check_inspection.h). An entity is
// looked at once per distinct recorded details (normally exactly once). Reads only the stores.
CheckInspection inspectEntities(const CheckSnapshot& snapshot, const StoreRouter& router,
                                sdk::EntityChecker& checker, std::chrono::milliseconds store_call_timeout);

// Decides, without changing anything; the terminal engine stores and sends the plan. Each
// planned record is its snapshot's version plus one: whoever applies it can tell whether the
// record changed meanwhile.
CheckPlan planResourceCheck(const CheckSnapshot& snapshot, const CheckInspection& inspection,
                            const CheckPolicy& policy);

// The three steps at once, for callers that hold whatever lock they need throughout.
CheckPlan planResourceCheck(const std::string& owner, const std::string& share_id,
                            const std::vector<std::string>& names, ShareRepository& shares,
                            const StoreRouter& router, sdk::EntityChecker& checker, const CheckPolicy& policy);

}  // namespace relaysync::core
