// CheckResource and synchronize at a terminal (patent Fig. 15-16), in steps: the snapshot of
// what to look at and the storing of what changed run under the node's lock, each in one short
// transaction; looking at the disk runs without it, so a slow store holds up nothing else.
#include "engine/terminal_engine.h"

namespace relaysync::core {

bool TerminalEngine::isMemberOf(const std::string& share_id) {
    const auto share = shares_.find(share_id);
    return share && share->isMember(account_);
}

CheckSnapshot TerminalEngine::prepareCheck(const std::string& command, const std::string& share_id,
                                           const std::vector<std::string>& names) {
    if (!isMemberOf(share_id)) throw CommandError(command + ": this terminal is not a member of share " + share_id);
    return snapshot(share_id, names);
}

CheckInspection TerminalEngine::inspect(const CheckSnapshot& snapshot) const {
    return inspectEntities(snapshot, stores_, checker_, policy_.store_call_timeout);
}

SyncReport TerminalEngine::checkResources(const std::string& share_id, const std::vector<std::string>& names) {
    auto snapshot = prepareCheck("check", share_id, names);
    auto report = finishCheck(snapshot, inspect(snapshot));
    recycle(std::move(snapshot));
    return report;
}

std::string TerminalEngine::synchronize(const std::string& share_id, const std::vector<std::string>& names) {
    const auto snapshot = prepareCheck("synchronize", share_id, names);
    return finishSynchronize(snapshot, inspect(snapshot));
}

SyncReport TerminalEngine::finishCheck(const CheckSnapshot& snapshot, const CheckInspection& inspection) {
    return runCommand([&] {
        if (!isMemberOf(snapshot.share_id))
            throw CommandError("check: this terminal is no longer a member of share " + snapshot.share_id);
        return applyCheck(snapshot, inspection);
    });
}

std::string TerminalEngine::finishSynchronize(const CheckSnapshot& snapshot, const CheckInspection& inspection) {
    return runCommand([&] {
        const auto& share_id = snapshot.share_id;
        const auto& names = snapshot.names;
        if (!isMemberOf(share_id))
            throw CommandError("synchronize: this terminal is no longer a member of share " + share_id);
        const auto sync_id = account_ + "/sync-" + std::to_string(database_.nextCounter("sync"));
        // This terminal checks what it owns first; the relay asks everyone else.
        auto own = applyCheck(snapshot, inspection);
        // A whole-share sync carries what this terminal holds, so that its relay can repair it.
        std::optional<OwnerDigests> digests;
        if (names.empty()) digests = shares_.ownerDigests(share_id);
        send(MessageType::synchronize_instruction, relay_, SyncRequest{sync_id, share_id, names, digests}.toBody());
        const auto deadline = nowMs() + SyncRequest::kDefaultSyncTimeoutMs;
        if (reachable(relay_)) {
            fanout_.open(sync_id, "", {relay_}, own, nowMs(), deadline, names.empty());
        } else {
            own.unreachable_nodes.push_back(relay_);
            fanout_.open(sync_id, "", {}, own, nowMs(), deadline, names.empty());
        }
        return sync_id;
    });
}

SyncReport TerminalEngine::applyCheck(const CheckSnapshot& snapshot, const CheckInspection& inspection) {
    storeAcceptedRoots();
    auto plan = planResourceCheck(snapshot, inspection, policy_);
    // A record that changed since the snapshot (the user shared the name anew, another check
    // got there first) is left alone: what was looked at no longer describes it.
    const auto stillAsLookedAt = [&](const ResourceEntry& next) {
        const auto own = shares_.entryOf(next.share_id, next.name, account_);
        return own && own->version + 1 == next.version && own->location == next.location;
    };
    const auto store = [&](MessageType type, const std::map<std::string, std::vector<ResourceEntry>>& changes) {
        for (const auto& [share, entries] : changes) {
            std::vector<ResourceEntry> current;
            for (const auto& entry : entries)
                if (stillAsLookedAt(entry)) current.push_back(entry);
            if (current.size() < entries.size())
                log().information("%s: %s record(s) of %s changed while they were checked; left for the next check",
                                  account_, std::to_string(entries.size() - current.size()), share);
            for (const auto& entry : current) shares_.putEntryIfNewer(entry);
            if (!current.empty()) publish(type, share, current);
        }
    };
    store(MessageType::update_resource_info, plan.updates);
    store(MessageType::delete_resource_info, plan.deletions);
    for (const auto& problem : plan.report.problems) log().warning("%s", problem);
    return plan.report;
}

HandleResult TerminalEngine::onSynchronizeInstruction(const Message& message) {
    const auto request = SyncRequest::fromBody(message.body);
    if (!isMemberOf(request.share_id)) {
        answerInstruction(request, {});
        return HandleResult::applied();
    }
    if (checks_outside_lock_) {
        // Taken now (the relay's delivery is acknowledged at once); checked by the node next.
        syncs_.addPendingCheck(request.toBody());
        return HandleResult::applied();
    }
    auto checked = snapshot(request.share_id, request.names);
    answerInstruction(request, applyCheck(checked, inspect(checked)));
    recycle(std::move(checked));
    return HandleResult::applied();
}

void TerminalEngine::answerInstruction(const SyncRequest& request, SyncReport report) {
    const bool member = isMemberOf(request.share_id);
    if (!member) {
        report = {};
        report.share_id = request.share_id;
        report.problems.push_back(account_ + " is not a member of share " + request.share_id);
    } else if (request.digests) {
        repairOwnRecords(request.share_id, *request.digests);
    }
    report.sync_id = request.sync_id;
    std::optional<OwnerDigests> digests;
    if (request.names.empty() && member) digests = shares_.ownerDigests(request.share_id);
    send(MessageType::synchronize_result, relay_, reportBody(report, digests));
}

std::optional<TerminalEngine::PendingCheck> TerminalEngine::nextPendingCheck() {
    while (const auto stored = syncs_.oldestPendingCheck()) {
        try {
            auto request = SyncRequest::fromBody(stored->request);
            auto checked = snapshot(request.share_id, request.names);
            return PendingCheck{stored->seq, std::move(request), std::move(checked)};
        } catch (const std::exception& e) {
            // It was decoded once already; a stored copy that no longer reads is dropped.
            log().error("%s: dropped a pending check that cannot be read: %s", account_, std::string(e.what()));
            runCommand([&] { syncs_.removePendingCheck(stored->seq); });
        }
    }
    return std::nullopt;
}

void TerminalEngine::finishPendingCheck(const PendingCheck& pending, const CheckInspection& inspection) {
    runCommand([&] {
        syncs_.removePendingCheck(pending.seq);
        SyncReport report;
        if (isMemberOf(pending.request.share_id)) report = applyCheck(pending.snapshot, inspection);
        answerInstruction(pending.request, report);
    });
}

}  // namespace relaysync::core
