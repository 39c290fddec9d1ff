#include "engine/resource_check.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "engine/entity_inspection.h"
#include "engine/folder_listings.h"
#include "engine/parallel_inspection.h"

namespace relaysync::core {

namespace {

// Each store's root is confirmed once per check (StoreRouter::confirmRoot): an unmounted or
// replaced root makes every entity in it unreachable, never gone.
using RootConfirmations = std::map<std::string, sdk::Status, std::less<>>;

// `outcome` is written at once or by checks.finish().
void inspect(const sdk::EntityDetails& recorded, const StoreRouter::Route& route, const StoreRouter& router,
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
    checks.inspect(route, recorded, call, listed, outcome);
}

ResourceEntry nextVersion(const CheckSnapshot& snapshot, std::size_t i) {
    auto next = snapshot.records.entry(i, snapshot.owner);
    ++next.version;
    return next;
}

}  // namespace

CheckSnapshot snapshotResourceCheck(const std::string& owner, const std::string& share_id,
                                    const std::vector<std::string>& names, ShareRepository& shares,
                                    CheckRecords storage) {
    storage.clear();
    CheckSnapshot snapshot{owner, share_id, names, std::move(storage)};
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
        auto& records = snapshot.records;
        shares.visitEntriesOwnedBy(owner, [&](const ShareRepository::OwnRecordView& row) { records.add(row); });
        // The records at a location where at least one is wanted: the entities asked about,
        // with every share that lists them (CheckAnotherResourceInfo).
        records.keepLocationsWhere([&](std::size_t i) {
            return records.shareId(i) == share_id && (asked.empty() || asked.count(records.name(i))) &&
                   (hidden.empty() || !hidden.count(std::string(records.name(i))));
        });
        return snapshot;
    }
    std::set<std::string> locations;
    for (const auto& name : asked)
        if (const auto own = shares.entryOf(share_id, std::string(name), owner); own && !own->removed && wanted(*own))
            locations.insert(own->location);
    for (const auto& location : locations)
        for (const auto& entry : shares.entriesOwnedAt(owner, location)) snapshot.records.add(entry);
    return snapshot;
}

CheckInspection inspectEntities(const CheckSnapshot& snapshot, const StoreRouter& router,
                                sdk::EntityChecker& checker, std::chrono::milliseconds store_call_timeout) {
    const auto& records = snapshot.records;
    CheckInspection outcomes(records.size());
    // Each outcome is written into a slot and then kept (CheckInspection::set): with one thread
    // the same slot serves every entity in turn; with several, each has its own until finish().
    sdk::CheckOutcome slot;
    std::deque<std::pair<std::size_t, sdk::CheckOutcome>> deferred;
    // Every folder's count first, so that a folder of many is listed once. One route and one
    // location string serve every entity in turn: no route (two strings) is kept per record.
    FolderListings folders(store_call_timeout);
    for (std::size_t i = 0; i < records.size(); ++i)
        if (i == 0 || records.location(i) != records.location(i - 1)) folders.expect(records.location(i));
    std::string location;
    StoreRouter::Route route;
    // Records that share an earlier record's look (the same entity and details, or an entity
    // that could not be routed) take its outcome once every look is done.
    std::vector<std::size_t> copy_of(records.size(), records.size());
    ParallelInspection checks(checker);
    RootConfirmations roots;
    std::size_t entity = 0;  // the first record of the current location
    bool routed = false;     // whether `route` leads to it
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i == 0 || records.location(i) != records.location(entity)) {
            entity = i;
            location.assign(records.location(i));
            if (auto status = router.route(location, route); !status.isOk()) {
                outcomes.set(i, {sdk::Verdict::unreachable, {}, status.toString()});
                routed = false;
                continue;
            }
            routed = true;
        }
        // Another share's record of the same entity: the same details need no second look.
        std::size_t same = entity;
        while (same < i && !records.sameDetails(same, i)) ++same;
        if (same < i) {
            copy_of[i] = same;
            continue;
        }
        if (!routed) {
            copy_of[i] = entity;
            continue;
        }
        // A deferred slot stays where it is until checks.finish() has written it.
        auto& outcome = checks.threads() == 1 ? slot : deferred.emplace_back(i, sdk::CheckOutcome{}).second;
        inspect(records.details(i), route, router, checks, store_call_timeout, roots, folders, outcome);
        if (checks.threads() == 1) outcomes.set(i, std::move(slot));
    }
    checks.finish();  // on several threads, when the checker allows it
    for (auto& [i, outcome] : deferred) outcomes.set(i, std::move(outcome));
    for (std::size_t i = 0; i < records.size(); ++i)
        if (copy_of[i] != records.size()) outcomes.set(i, outcomes.at(copy_of[i]));
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
        const auto& records = snapshot.records;
        const auto status = records.status(i);
        const auto& entry_share = records.shareId(i);
        const auto& outcome = inspection.at(i);
        auto& report = entry_share == share_id ? plan.report : elsewhere;
        const auto example = [&] {
            std::string text(records.name(i));
            text += " (";
            text += owner;
            text += ")";
            return text;
        };
        ++report.checked;
        // The usual case, an unchanged entity already marked ok, copies nothing.
        if (outcome.verdict == sdk::Verdict::unchanged && status == kStatusOk) {
            ++report.unchanged;
            continue;
        }
        switch (outcome.verdict) {
        case sdk::Verdict::unchanged: {
            auto next = nextVersion(snapshot, i);
            next.status = kStatusOk;
            ++report.recovered;
            SyncReport::note(report.recovered_entries, report.more_recovered_entries, example());
            plan.updates[entry_share].push_back(std::move(next));
            break;
        }
        case sdk::Verdict::changed: {
            auto next = nextVersion(snapshot, i);
            next.details = outcome.current;
            next.status = kStatusOk;
            if (status == kStatusOk) {
                ++report.changed;
                SyncReport::note(report.changed_entries, report.more_changed_entries, example());
            } else {
                ++report.recovered;
                SyncReport::note(report.recovered_entries, report.more_recovered_entries, example());
            }
            plan.updates[entry_share].push_back(std::move(next));
            break;
        }
        case sdk::Verdict::gone: {
            if (policy.gone_entity == GoneEntityMode::remove) {
                auto next = nextVersion(snapshot, i);
                next.removed = true;
                plan.deletions[entry_share].push_back(std::move(next));
                ++report.gone;
                SyncReport::note(report.gone_entries, report.more_gone_entries, example());
                ++gone;
                break;
            }
            if (status == kStatusFileNotFound) {
                ++report.unchanged;
                break;
            }
            auto next = nextVersion(snapshot, i);
            next.status = kStatusFileNotFound;
            ++report.gone;
            SyncReport::note(report.gone_entries, report.more_gone_entries, example());
            ++gone;
            plan.updates[entry_share].push_back(std::move(next));
            break;
        }
        case sdk::Verdict::unreachable: {
            ++report.unreachable;
            SyncReport::note(report.unreachable_entries, report.more_unreachable_entries, example());
            if (status == kStatusUnreachable) break;
            auto next = nextVersion(snapshot, i);
            next.status = kStatusUnreachable;
            report.problems.push_back(owner + ": " + std::string(records.name(i)) + " in " + entry_share +
                                      " cannot be reached: " + outcome.reason);
            plan.updates[entry_share].push_back(std::move(next));
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
