#pragma once
// Synchronize bookkeeping that must survive a restart: open fan-outs at a relay (who still has
// to answer, and to whom the summed report goes) and finished reports at the node that asked.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "model/owner_digests.h"
#include "model/sync_report.h"
#include "persistence/database.h"

namespace relaysync::core {

// The nodes a sync still waits for, at any depth: named ones, and how many more were not named.
struct StillChecking {
    std::vector<std::string> nodes;
    std::int64_t more = 0;

    bool operator==(const StillChecking&) const = default;
};

struct SyncSession {
    std::string sync_id;
    std::string reply_to;         // who asked this node, and gets the summed report
    std::set<std::string> waiting_for;  // nodes that have not answered yet
    SyncReport report;            // what has come back so far
    std::int64_t opened_ms = 0;   // when it was opened (ms since the epoch)
    std::int64_t deadline_ms = 0; // when it stops waiting and answers with what it has
    // Whole-share syncs (repair): what the answering relays hold of their own terminals, and
    // the relays that hear it once all have answered (where this relay started the sync).
    bool whole_share = false;
    OwnerDigests digests;
    std::set<std::string> repair_to;
    // Progress: what each relay asked here last said it still waits for (synchronize-progress),
    // and what this node last told its asker.
    std::map<std::string, StillChecking> below;
    std::optional<StillChecking> progress_sent;

    // Who this sync still waits for at any depth: each node asked here that has not answered,
    // or, for a relay that sent progress, the nodes it named.
    StillChecking stillChecking() const;
};

class SyncStore {
public:
    explicit SyncStore(Database& database) : database_(database), session_(database.session()) {}

    std::optional<SyncSession> session(const std::string& sync_id);
    std::vector<SyncSession> sessions();
    void putSession(const SyncSession& session);
    void removeSession(const std::string& sync_id);

    void putResult(const SyncReport& report);
    // Keeps the newest `keep` results; returns how many went.
    std::size_t pruneResults(std::size_t keep);
    std::optional<SyncReport> result(const std::string& sync_id);
    std::vector<SyncReport> results();  // oldest first

    // Synchronize instructions a terminal took but has not checked yet (the request's body).
    struct PendingCheck {
        std::int64_t seq = 0;
        Poco::JSON::Object::Ptr request;
    };
    void addPendingCheck(const Poco::JSON::Object::Ptr& request);
    std::optional<PendingCheck> oldestPendingCheck();
    void removePendingCheck(std::int64_t seq);
    // How many addPendingCheck calls this object has seen (committed or not): the node wakes its
    // checker only when a message added one, not for every message.
    std::uint64_t pendingChecksAdded() const { return pending_checks_added_; }

private:
    Database& database_;
    Poco::Data::Session& session_;
    std::uint64_t pending_checks_added_ = 0;
};

}  // namespace relaysync::core
