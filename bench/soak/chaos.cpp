#include "chaos.h"

#include "cluster/cluster_error.h"
#include "cluster/wait.h"

namespace relaysync::soak {

namespace {
constexpr int kRestartTries = 3;
}

Chaos::Chaos(cluster::Cluster& cluster, ProcessMeter& meter, std::mt19937_64& rng, std::vector<std::string> victims,
             Settings settings)
    : cluster_(cluster), meter_(meter), rng_(rng), settings_(settings) {
    for (const auto& victim : victims) victims_.push_back(cluster_.node(victim).name);
    scheduleKill();
}

void Chaos::scheduleKill() {
    if (settings_.kill_every <= 0) return;
    // Uniform in [0.5, 1.5] x the mean: irregular, never a burst.
    const auto wait = std::chrono::duration<double>(settings_.kill_every * uniform(0.5, 1.5));
    next_kill_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(wait);
}

bool Chaos::up(const std::string& node) const {
    const auto& name = cluster_.node(node).name;  // accounts are taken too
    return !down_.count(name) && cluster_.running(name);
}

void Chaos::restart(const std::string& node) {
    try {
        cluster_.restart(node);
        down_.erase(node);
        failed_tries_.erase(node);
        ++restarts_;
    } catch (const std::exception& e) {
        if (cluster::interruptRequested()) throw;
        restart_failures_.push_back(node + ": " + e.what());
        if (cluster_.running(node)) cluster_.kill(node);  // started but not ready: try afresh
        if (++failed_tries_[node] >= kRestartTries)
            throw cluster::ClusterError(node + " could not be restarted " + std::to_string(kRestartTries) +
                                        " times in a row; the last time: " + e.what());
        down_[node] = Clock::now() + std::chrono::seconds(1);
    }
}

void Chaos::noticeCrashes() {
    for (const auto& node : cluster_.names()) {
        if (down_.count(node) || cluster_.running(node)) continue;
        crashes_.push_back(node + " exited by itself: " + cluster::lastLines(cluster_.outputText(node), 3));
        down_[node] = Clock::now();  // restarted at once
    }
}

void Chaos::step() {
    noticeCrashes();
    const auto now = Clock::now();
    std::vector<std::string> due;
    for (const auto& [node, when] : down_)
        if (when <= now) due.push_back(node);
    for (const auto& node : due) restart(node);

    if (settings_.kill_every <= 0 || now < next_kill_) return;
    scheduleKill();
    if (down_.size() >= settings_.max_down) return;
    std::vector<std::string> candidates;
    for (const auto& node : victims_)
        if (up(node)) candidates.push_back(node);
    if (candidates.empty()) return;
    const auto& victim = candidates[std::uniform_int_distribution<std::size_t>(0, candidates.size() - 1)(rng_)];
    meter_.sampleMemory(victim);
    cluster_.kill(victim);
    ++kills_;
    ++kills_by_node_[victim];
    const auto downtime = std::chrono::duration<double>(uniform(0.2, settings_.max_downtime));
    down_[victim] = Clock::now() + std::chrono::duration_cast<Clock::duration>(downtime);
}

void Chaos::restartAll() {
    noticeCrashes();
    while (!down_.empty()) {
        const auto node = down_.begin()->first;
        restart(node);
    }
}

}  // namespace relaysync::soak
