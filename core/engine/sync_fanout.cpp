#include "engine/sync_fanout.h"

namespace relaysync::core {

void SyncFanout::open(const std::string& sync_id, const std::string& reply_to,
                      const std::vector<std::string>& waiting_for, SyncReport report_so_far, std::int64_t now_ms,
                      std::int64_t deadline_ms, bool whole_share, std::set<std::string> repair_to) {
    SyncSession session;
    session.deadline_ms = deadline_ms;
    session.whole_share = whole_share;
    session.repair_to = std::move(repair_to);
    session.opened_ms = now_ms;
    session.sync_id = sync_id;
    session.reply_to = reply_to;
    session.waiting_for.insert(waiting_for.begin(), waiting_for.end());
    session.report = std::move(report_so_far);
    session.report.bound();
    session.report.sync_id = sync_id;
    if (opened_) opened_(session);
    if (session.waiting_for.empty())
        finish(session);
    else
        store_.putSession(session);
}

void SyncFanout::onReport(const std::string& from, const SyncReport& report, const OwnerDigests& digests) {
    auto session = store_.session(report.sync_id);
    if (!session || session->waiting_for.erase(from) == 0) return;
    session->report.merge(report);
    session->digests.insert(digests.begin(), digests.end());
    if (session->waiting_for.empty()) {
        store_.removeSession(session->sync_id);
        finish(*session);
    } else {
        store_.putSession(*session);
    }
}

void SyncFanout::onProgress(const std::string& from, const std::string& sync_id, StillChecking still) {
    auto session = store_.session(sync_id);
    if (!session || !session->waiting_for.count(from)) return;
    if (session->below[from] == still) return;
    session->below[from] = std::move(still);
    store_.putSession(*session);
}

std::vector<SyncFanout::ProgressNote> SyncFanout::progressDue(std::int64_t now_ms) {
    std::vector<ProgressNote> notes;
    for (auto& session : store_.sessions()) {
        if (session.reply_to.empty() || now_ms - session.opened_ms < kProgressAfterMs) continue;
        auto still = session.stillChecking();
        if (session.progress_sent == still) continue;
        session.progress_sent = still;
        store_.putSession(session);
        notes.push_back({session.reply_to, session.sync_id, std::move(still)});
    }
    return notes;
}

void SyncFanout::expire(std::int64_t now_ms) {
    for (auto& session : store_.sessions()) {
        if (now_ms < session.deadline_ms) continue;
        for (const auto& silent : session.waiting_for) session.report.unreachable_nodes.push_back(silent);
        session.report.problems.push_back("no answer within " +
                                          std::to_string((session.deadline_ms - session.opened_ms) / 1000) +
                                          " s from " + std::to_string(session.waiting_for.size()) + " node(s)");
        session.report.bound();
        store_.removeSession(session.sync_id);
        finish(session);
    }
}

void SyncFanout::finish(const SyncSession& session) {
    if (session.reply_to.empty()) store_.putResult(session.report);
    sink_(session);
}

}  // namespace relaysync::core
