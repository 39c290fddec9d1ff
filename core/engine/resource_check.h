#pragma once
// CheckResource (patent Fig. 16): a terminal looks at every entity it owns in a share, and
// decides each entry's fate. CheckAnotherResourceInfo comes with it: an entity is checked
// once, and the outcome applies to every share this terminal lists it in.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

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
};

struct CheckPlan {
    SyncReport report;
    // New versions of entries, by share: rewritten details or status, and tombstones.
    std::map<std::string, std::vector<ResourceEntry>> updates;
    std::map<std::string, std::vector<ResourceEntry>> deletions;
    bool aborted = false;  // the deletion limit stopped it; nothing is to be changed
};

// Decides, without changing anything; the terminal engine stores and sends the plan.
CheckPlan planResourceCheck(const std::string& owner, const std::string& share_id,
                            const std::vector<std::string>& names, ShareRepository& shares,
                            const StoreRouter& router, sdk::EntityChecker& checker, const CheckPolicy& policy);

}  // namespace relaysync::core
