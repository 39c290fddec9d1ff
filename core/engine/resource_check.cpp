#include "engine/resource_check.h"

#include <algorithm>
#include <set>

#include "engine/entity_inspection.h"
#include "engine/folder_listings.h"
#include "engine/parallel_inspection.h"

namespace relaysync::core {

namespace {

// Each store's root is confirmed once per check (StoreRouter::confirmRoot): an unmounted or
// replaced root makes every entity in it unreachable, never gone.
using RootConfirmations = std::map<std::string, sdk::Status>;

// `outcome` is written at once or by checks.finish().
void inspect(const ResourceEntry& entry, const StoreRouter& router, ParallelInspection& checks,
             std::chrono::milliseconds store_timeout, RootConfirmations& roots, FolderListings& folders,
             sdk::CheckOutcome& outcome) {
    StoreRouter::Route route;
    if (auto status = router.route(entry.location, route); !status.isOk()) {
        outcome = {sdk::Verdict::unreachable, {}, status.toString()};
        return;
    }
    const auto call = sdk::CallContext::within(store_timeout);
    auto root = roots.find(route.prefix);
    if (root == roots.end()) root = roots.emplace(route.prefix, router.confirmRoot(route.prefix, call)).first;
    if (!root->second.isOk()) {
        outcome = {sdk::Verdict::unreachable, {}, root->second.toString()};
        return;
    }
    checks.inspect(route, entry.details, call, folders.listed(route), outcome);
}

ResourceEntry nextVersion(const ResourceEntry& entry) {
    auto next = entry;
    ++next.version;
    return next;
}

}  // namespace

CheckSnapshot snapshotResourceCheck(const std::string& owner, const std::string& share_id,
                                    const std::vector<std::string>& names, ShareRepository& shares) {
    CheckSnapshot snapshot{owner, share_id, names, {}};
    // The owner's records are read once: those of this share that it shows (less the hidden
    // names, usually none) say which entities to look at, and every share that lists one of
    // them (CheckAnotherResourceInfo) comes from the same rows. A check of many entities must
    // not cost a query each, nor read other owners' records.
    auto owned = shares.entriesOwnedBy(owner);
    const auto hidden = shares.hiddenNamesOf(share_id, owner);
    std::set<std::string> locations;
    for (const auto& entry : owned)
        if (entry.share_id == share_id && !hidden.count(entry.name) &&
            (names.empty() || std::count(names.begin(), names.end(), entry.name)))
            locations.insert(entry.location);
    for (auto& entry : owned)
        if (locations.count(entry.location)) snapshot.listings[entry.location].push_back(std::move(entry));
    return snapshot;
}

CheckInspection inspectEntities(const CheckSnapshot& snapshot, const StoreRouter& router,
                                sdk::EntityChecker& checker, std::chrono::milliseconds store_call_timeout) {
    CheckInspection inspection;
    RootConfirmations roots;
    FolderListings folders(store_call_timeout);
    ParallelInspection checks(checker);
    for (const auto& [location, listed] : snapshot.listings) {
        StoreRouter::Route route;
        if (router.route(location, route).isOk()) folders.expect(route);
    }
    for (const auto& [location, listed] : snapshot.listings) {
        auto& looked_at = inspection[location];
        looked_at.reserve(listed.size());  // outcomes are written in place by checks.finish()
        for (const auto& entry : listed) {
            const bool known = std::any_of(looked_at.begin(), looked_at.end(),
                                           [&](const auto& seen) { return seen.first == entry.details; });
            if (!known)
                inspect(entry, router, checks, store_call_timeout, roots, folders,
                        looked_at.emplace_back(entry.details, sdk::CheckOutcome{}).second);
        }
    }
    checks.finish();  // on several threads, when the checker allows it
    return inspection;
}

CheckPlan planResourceCheck(const CheckSnapshot& snapshot, const CheckInspection& inspection,
                            const CheckPolicy& policy) {
    const auto& owner = snapshot.owner;
    const auto& share_id = snapshot.share_id;
    CheckPlan plan;
    plan.report.share_id = share_id;

    std::size_t gone = 0;
    // The report speaks of the asked share only: whoever asked may not be a member of the
    // others, which are updated all the same.
    SyncReport elsewhere;
    for (const auto& [location, listed] : snapshot.listings) {
        const auto& looked_at = inspection.at(location);
        for (const auto& entry : listed) {
            const auto known = std::find_if(looked_at.begin(), looked_at.end(),
                                            [&](const auto& seen) { return seen.first == entry.details; });
            const auto& outcome = known->second;
            auto& report = entry.share_id == share_id ? plan.report : elsewhere;
            ++report.checked;
            auto next = nextVersion(entry);
            switch (outcome.verdict) {
            case sdk::Verdict::unchanged:
                if (entry.status == kStatusOk) {
                    ++report.unchanged;
                    continue;
                }
                next.status = kStatusOk;
                ++report.recovered;
                break;
            case sdk::Verdict::changed:
                next.details = outcome.current;
                next.status = kStatusOk;
                ++(entry.status == kStatusOk ? report.changed : report.recovered);
                break;
            case sdk::Verdict::gone:
                if (policy.gone_entity == GoneEntityMode::remove) {
                    next.removed = true;
                    plan.deletions[entry.share_id].push_back(next);
                    ++report.gone;
                    ++gone;
                    continue;
                }
                if (entry.status == kStatusFileNotFound) {
                    ++report.unchanged;
                    continue;
                }
                next.status = kStatusFileNotFound;
                ++report.gone;
                ++gone;
                break;
            case sdk::Verdict::unreachable:
                ++report.unreachable;
                if (entry.status == kStatusUnreachable) continue;
                next.status = kStatusUnreachable;
                report.problems.push_back(owner + ": " + entry.name + " in " + entry.share_id +
                                               " cannot be reached: " + outcome.reason);
                break;
            }
            plan.updates[entry.share_id].push_back(next);
        }
    }

    if (gone > policy.max_removals) {
        plan.aborted = true;
        plan.updates.clear();
        plan.deletions.clear();
        plan.report.problems.push_back(owner + ": deletion limit: " + std::to_string(gone) +
                                       " entries would be removed or marked gone, the limit is " +
                                       std::to_string(policy.max_removals) + "; nothing was changed");
    }
    plan.report.bound();
    return plan;
}

CheckPlan planResourceCheck(const std::string& owner, const std::string& share_id,
                            const std::vector<std::string>& names, ShareRepository& shares,
                            const StoreRouter& router, sdk::EntityChecker& checker, const CheckPolicy& policy) {
    const auto snapshot = snapshotResourceCheck(owner, share_id, names, shares);
    return planResourceCheck(snapshot, inspectEntities(snapshot, router, checker, policy.store_call_timeout), policy);
}

}  // namespace relaysync::core
