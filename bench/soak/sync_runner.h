#pragma once
// The synchronizes of the soak: started at member terminals, followed through sync-status
// until they finish, and how long each took (from the start command until the poll that saw
// it finished, so within the poll interval).

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "cluster/cluster.h"

namespace relaysync::soak {

using Clock = std::chrono::steady_clock;

struct SyncRecord {
    std::string id, node;
    bool targeted = false;
    Clock::time_point started;
    Clock::time_point last_poll;
    bool finished = false;
    double seconds = 0;  // once finished
    cluster::SyncReportView report;
};

class SyncRunner {
public:
    SyncRunner(cluster::Cluster& cluster, std::string share_id);

    // Starts a synchronize at `node` (all of the share, or `names`); false when the node
    // refused or could not be reached (counted, with the reason kept).
    bool start(const std::string& node, const std::vector<std::string>& names = {});
    // Asks the node of every unfinished synchronize whether it has finished, at most every
    // `interval` per synchronize; nodes for which `up` is false are not asked.
    void poll(const std::function<bool(const std::string&)>& up, Clock::duration interval);

    std::size_t inFlight() const;
    const std::vector<SyncRecord>& records() const { return records_; }
    const SyncRecord& last() const { return records_.back(); }
    // Start commands that failed, with their reasons (the first few).
    std::size_t failedStarts() const { return failed_starts_; }
    const std::vector<std::string>& failureReasons() const { return failure_reasons_; }
    // The unfinished ones, "client11@relay-server1.net/sync-7 at client11 (42.0 s)".
    std::vector<std::string> unfinished() const;

private:
    cluster::Cluster& cluster_;
    std::string share_id_;
    std::vector<SyncRecord> records_;
    std::size_t failed_starts_ = 0;
    std::vector<std::string> failure_reasons_;
};

}  // namespace relaysync::soak
