#include "engine/resource_check.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>

#include "engine/entity_inspection.h"
#include "engine/folder_listings.h"
#include "engine/parallel_inspection.h"

namespace relaysync::core {

namespace {

// Each store's root is confirmed once per check (StoreRouter::confirmRoot): an unmounted or
// replaced root makes every entity in it unreachable, never gone.
using RootConfirmations = std::map<std::string, sdk::Status, std::less<>>;

// `outcome` is written at once or by checks.finish().
void inspect(const ResourceEntry& entry, const StoreRouter::Route& route, const StoreRouter& router,
             ParallelInspection& checks, std::chrono::milliseconds store_timeout, RootConfirmations& roots,
             FolderListings& folders, sdk::CheckOutcome& outcome) {
    const auto call = sdk::CallContext::within(store_timeout);
    auto root = roots.find(route.prefix);
    if (root == roots.end()) root = roots.emplace(route.prefix, router.confirmRoot(route.prefix, call)).first;
    if (!root->second.isOk()) {
        outcome = {sdk::Verdict::unreachable, {}, root->second.toString()};
        return;
    }
    std::optional<sdk::EntityDetails> listed;
    if (const auto* details = folders.listed(route)) listed = *details;
    checks.inspect(route, entry.details, call, listed, outcome);
}

ResourceEntry nextVersion(const ResourceEntry& entry) {
    auto next = entry;
    ++next.version;
    return next;
}

// The records of `owned` (by location) at a location where at least one is `wanted`: the
// entities asked about, with every share that lists them (CheckAnotherResourceInfo).
template <typename Wanted>
std::vector<ResourceEntry> atWantedLocations(std::vector<ResourceEntry> owned, const Wanted& wanted) {
    std::vector<ResourceEntry> records;
    records.reserve(owned.size());
    for (std::size_t first = 0; first < owned.size();) {
        std::size_t end = first + 1;
        while (end < owned.size() && owned[end].location == owned[first].location) ++end;
        if (std::any_of(owned.begin() + first, owned.begin() + end, wanted))
            std::move(owned.begin() + first, owned.begin() + end, std::back_inserter(records));
        first = end;
    }
    return records;
}

}  // namespace

CheckSnapshot snapshotResourceCheck(const std::string& owner, const std::string& share_id,
                                    const std::vector<std::string>& names, ShareRepository& shares) {
    CheckSnapshot snapshot{owner, share_id, names, {}};
    // The owner's records are read in one query: those of this share that it shows (less the
    // hidden names, usually none) say which entities to look at, and every share that lists one
    // of them (CheckAnotherResourceInfo) comes from the same rows. A check of many entities must
    // not cost a query each, nor read other owners' records. A check of a few names reads only
    // the records at their locations.
    const auto hidden = shares.hiddenNamesOf(share_id, owner);
    const std::unordered_set<std::string_view> asked(names.begin(), names.end());
    const auto wanted = [&](const ResourceEntry& entry) {
        return entry.share_id == share_id && (asked.empty() || asked.count(entry.name)) &&
               (hidden.empty() || !hidden.count(entry.name));
    };
    constexpr std::size_t kFewNames = 64;
    if (names.empty() || names.size() > kFewNames) {
        snapshot.records = atWantedLocations(shares.entriesOwnedBy(owner), wanted);
        return snapshot;
    }
    std::set<std::string> locations;
    for (const auto& name : asked)
        if (const auto own = shares.entryOf(share_id, std::string(name), owner); own && !own->removed && wanted(*own))
            locations.insert(own->location);
    for (const auto& location : locations)
        for (auto& entry : shares.entriesOwnedAt(owner, location)) snapshot.records.push_back(std::move(entry));
    return snapshot;
}

CheckInspection inspectEntities(const CheckSnapshot& snapshot, const StoreRouter& router,
                                sdk::EntityChecker& checker, std::chrono::milliseconds store_call_timeout) {
    const auto& records = snapshot.records;
    CheckInspection outcomes(records.size());
    // Routed once each; every folder's count first, so that a folder of many is listed once.
    std::vector<StoreRouter::Route> routes(records.size());
    std::vector<bool> routed(records.size(), false);
    FolderListings folders(store_call_timeout);
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i > 0 && records[i].location == records[i - 1].location) continue;  // the same entity
        if (auto status = router.route(records[i].location, routes[i]); !status.isOk()) {
            outcomes[i] = {sdk::Verdict::unreachable, {}, status.toString()};
            continue;
        }
        routed[i] = true;
        folders.expect(routes[i]);
    }
    // Records that share an earlier record's look (the same entity and details, or an entity
    // that could not be routed) take its outcome once every look is done.
    std::vector<std::size_t> copy_of(records.size(), records.size());
    ParallelInspection checks(checker);
    RootConfirmations roots;
    std::size_t entity = 0;  // the first record of the current location
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i == 0 || records[i].location != records[entity].location) entity = i;
        // Another share's record of the same entity: the same details need no second look.
        const auto same = std::find_if(records.begin() + entity, records.begin() + i,
                                       [&](const auto& seen) { return seen.details == records[i].details; });
        if (same != records.begin() + i) {
            copy_of[i] = static_cast<std::size_t>(same - records.begin());
            continue;
        }
        if (!routed[entity]) {
            copy_of[i] = entity;
            continue;
        }
        // outcomes[i] stays where it is until checks.finish() has written it.
        inspect(records[i], routes[entity], router, checks, store_call_timeout, roots, folders, outcomes[i]);
    }
    checks.finish();  // on several threads, when the checker allows it
    for (std::size_t i = 0; i < records.size(); ++i)
        if (copy_of[i] != records.size()) outcomes[i] = outcomes[copy_of[i]];
    return outcomes;
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
    for (std::size_t i = 0; i < snapshot.records.size(); ++i) {
        const auto& entry = snapshot.records[i];
        const auto& outcome = inspection.at(i);
        auto& report = entry.share_id == share_id ? plan.report : elsewhere;
        const auto example = [&] { return entry.name + " (" + entry.owner + ")"; };
        ++report.checked;
        // The usual case, an unchanged entity already marked ok, copies nothing.
        if (outcome.verdict == sdk::Verdict::unchanged && entry.status == kStatusOk) {
            ++report.unchanged;
            continue;
        }
        switch (outcome.verdict) {
        case sdk::Verdict::unchanged: {
            auto next = nextVersion(entry);
            next.status = kStatusOk;
            ++report.recovered;
            SyncReport::note(report.recovered_entries, report.more_recovered_entries, example());
            plan.updates[entry.share_id].push_back(std::move(next));
            break;
        }
        case sdk::Verdict::changed: {
            auto next = nextVersion(entry);
            next.details = outcome.current;
            next.status = kStatusOk;
            if (entry.status == kStatusOk) {
                ++report.changed;
                SyncReport::note(report.changed_entries, report.more_changed_entries, example());
            } else {
                ++report.recovered;
                SyncReport::note(report.recovered_entries, report.more_recovered_entries, example());
            }
            plan.updates[entry.share_id].push_back(std::move(next));
            break;
        }
        case sdk::Verdict::gone: {
            if (policy.gone_entity == GoneEntityMode::remove) {
                auto next = nextVersion(entry);
                next.removed = true;
                plan.deletions[entry.share_id].push_back(std::move(next));
                ++report.gone;
                SyncReport::note(report.gone_entries, report.more_gone_entries, example());
                ++gone;
                break;
            }
            if (entry.status == kStatusFileNotFound) {
                ++report.unchanged;
                break;
            }
            auto next = nextVersion(entry);
            next.status = kStatusFileNotFound;
            ++report.gone;
            SyncReport::note(report.gone_entries, report.more_gone_entries, example());
            ++gone;
            plan.updates[entry.share_id].push_back(std::move(next));
            break;
        }
        case sdk::Verdict::unreachable: {
            ++report.unreachable;
            SyncReport::note(report.unreachable_entries, report.more_unreachable_entries, example());
            if (entry.status == kStatusUnreachable) break;
            auto next = nextVersion(entry);
            next.status = kStatusUnreachable;
            report.problems.push_back(owner + ": " + entry.name + " in " + entry.share_id +
                                      " cannot be reached: " + outcome.reason);
            plan.updates[entry.share_id].push_back(std::move(next));
            break;
        }
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
