#pragma once
// Bookkeeping of one synchronize at one node: whom it asked, who still has to answer, and the
// report summed from their answers, which goes to whoever asked this node once all are in.
// Kept in the database, so a node restarted mid-sync finishes it.

#include <functional>
#include <string>
#include <vector>

#include "model/sync_report.h"
#include "persistence/sync_store.h"

namespace relaysync::core {

class SyncFanout {
public:
    // Takes a finished session: sends its summed report to `reply_to` (a relay or terminal);
    // an empty `reply_to` means this node asked itself, and the report is stored as a result.
    using ReportSink = std::function<void(const SyncSession& finished)>;
    // Told of every session opened, before it may finish (metrics).
    using OpenSink = std::function<void(const SyncSession& opened)>;

    SyncFanout(SyncStore& store, ReportSink sink, OpenSink opened = {})
        : store_(store), sink_(std::move(sink)), opened_(std::move(opened)) {}

    // Opens a sync that waits for `waiting_for`; with nobody to wait for it finishes at once.
    // Waits until `deadline_ms` at most. `whole_share`: a whole-share sync; `repair_to` the
    // relays that hear the owners' digests at the end.
    void open(const std::string& sync_id, const std::string& reply_to, const std::vector<std::string>& waiting_for,
              SyncReport report_so_far, std::int64_t now_ms, std::int64_t deadline_ms, bool whole_share = false,
              std::set<std::string> repair_to = {});

    // An answer arrived, with what the answering relay holds of its own terminals (`digests`,
    // kept for the end). Late and duplicate answers are ignored.
    void onReport(const std::string& from, const SyncReport& report, const OwnerDigests& digests = {});

    // A relay asked here names the nodes below it that have not answered yet. Ignored unless
    // this node still waits for that relay in that sync.
    void onProgress(const std::string& from, const std::string& sync_id, StillChecking still);

    // What to tell askers while syncs are slow: for each sync another node asked this one for,
    // open at least kProgressAfterMs, whose still-checking nodes changed since it was last told,
    // the asker and those nodes (recorded as told). A sync that ends sooner sends no progress,
    // so a quick synchronize costs no message more.
    struct ProgressNote {
        std::string reply_to;
        std::string sync_id;
        StillChecking still;
    };
    std::vector<ProgressNote> progressDue(std::int64_t now_ms);
    static constexpr std::int64_t kProgressAfterMs = 1000;

    // Finishes every sync whose deadline has passed, reporting the nodes that never answered
    // as unreachable.
    void expire(std::int64_t now_ms);

private:
    void finish(const SyncSession& session);

    SyncStore& store_;
    ReportSink sink_;
    OpenSink opened_;
};

}  // namespace relaysync::core
