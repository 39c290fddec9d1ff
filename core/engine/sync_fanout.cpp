#include "engine/sync_fanout.h"

namespace relaysync::core {

void SyncFanout::open(const std::string& sync_id, const std::string& reply_to,
                      const std::vector<std::string>& waiting_for, SyncReport report_so_far) {
    SyncSession session;
    session.sync_id = sync_id;
    session.reply_to = reply_to;
    session.waiting_for.insert(waiting_for.begin(), waiting_for.end());
    session.report = std::move(report_so_far);
    session.report.sync_id = sync_id;
    if (session.waiting_for.empty())
        finish(session);
    else
        store_.putSession(session);
}

void SyncFanout::onReport(const std::string& from, const SyncReport& report) {
    auto session = store_.session(report.sync_id);
    if (!session || session->waiting_for.erase(from) == 0) return;
    session->report.merge(report);
    if (session->waiting_for.empty()) {
        store_.removeSession(session->sync_id);
        finish(*session);
    } else {
        store_.putSession(*session);
    }
}

void SyncFanout::finish(const SyncSession& session) {
    if (session.reply_to.empty()) store_.putResult(session.report);
    sink_(session.reply_to, session.report);
}

}  // namespace relaysync::core
