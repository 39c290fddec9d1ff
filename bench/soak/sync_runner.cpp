#include "sync_runner.h"

#include "cluster/wait.h"

namespace relaysync::soak {

namespace {
constexpr std::size_t kReasonsKept = 5;
}

SyncRunner::SyncRunner(cluster::Cluster& cluster, std::string share_id)
    : cluster_(cluster), share_id_(std::move(share_id)) {}

bool SyncRunner::start(const std::string& node, const std::vector<std::string>& names) {
    SyncRecord record;
    record.node = node;
    record.targeted = !names.empty();
    record.started = Clock::now();
    try {
        record.id = cluster_.startSync(node, share_id_, names);
    } catch (const std::exception& e) {
        ++failed_starts_;
        if (failure_reasons_.size() < kReasonsKept) failure_reasons_.push_back(e.what());
        return false;
    }
    record.last_poll = Clock::now();
    records_.push_back(record);
    return true;
}

void SyncRunner::poll(const std::function<bool(const std::string&)>& up, Clock::duration interval) {
    for (auto& record : records_) {
        if (record.finished || !up(record.node)) continue;
        const auto now = Clock::now();
        if (now - record.last_poll < interval) continue;
        record.last_poll = now;
        try {
            const auto state = cluster_.syncState(record.node, record.id);
            if (!state.finished) continue;
            record.finished = true;
            record.seconds = std::chrono::duration<double>(Clock::now() - record.started).count();
            record.report = state.report;
        } catch (const std::exception&) {
            // Killed meanwhile, or busy: asked again at the next poll.
        }
    }
}

std::size_t SyncRunner::inFlight() const {
    std::size_t count = 0;
    for (const auto& record : records_) count += record.finished ? 0 : 1;
    return count;
}

std::vector<std::string> SyncRunner::unfinished() const {
    std::vector<std::string> list;
    for (const auto& record : records_)
        if (!record.finished)
            list.push_back(record.id + " at " + record.node + " (started " +
                           cluster::seconds(Clock::now() - record.started) + " ago)");
    return list;
}

}  // namespace relaysync::soak
