#pragma once
// Random kills (SIGKILL, no clean shutdown) and restarts of nodes, and the nodes that exited by
// themselves, which the soak counts as crashes.

#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cluster/cluster.h"
#include "process_meter.h"

namespace relaysync::soak {

class Chaos {
public:
    using Clock = std::chrono::steady_clock;

    struct Settings {
        double kill_every = 8;      // mean seconds between kills; 0: none
        std::size_t max_down = 2;   // down at once at most
        double max_downtime = 4;    // seconds
    };

    // `victims`: the nodes it may kill (names or accounts). Nodes are reported by name.
    Chaos(cluster::Cluster& cluster, ProcessMeter& meter, std::mt19937_64& rng, std::vector<std::string> victims,
          Settings settings);

    // Restarts the nodes whose downtime is over, notices nodes that exited by themselves, and
    // kills one when it is time. Throws ClusterError when a node cannot be restarted three
    // times in a row.
    void step();
    // Restarts every node that is down, now.
    void restartAll();
    // True while the node (name or account) runs and is not waiting for its restart.
    bool up(const std::string& node) const;

    std::size_t kills() const { return kills_; }
    std::size_t restarts() const { return restarts_; }
    std::map<std::string, std::size_t> killsByNode() const { return kills_by_node_; }
    // "client21 exited by itself (killed by signal 6): <last lines>", for every crash seen.
    const std::vector<std::string>& crashes() const { return crashes_; }
    // Restarts that failed and were tried again.
    const std::vector<std::string>& restartFailures() const { return restart_failures_; }

private:
    void scheduleKill();
    void restart(const std::string& node);
    void noticeCrashes();
    double uniform(double low, double high) { return std::uniform_real_distribution<double>(low, high)(rng_); }

    cluster::Cluster& cluster_;
    ProcessMeter& meter_;
    std::mt19937_64& rng_;
    std::vector<std::string> victims_;
    Settings settings_;
    std::map<std::string, Clock::time_point> down_;  // node -> when to restart it
    std::map<std::string, int> failed_tries_;
    Clock::time_point next_kill_;
    std::size_t kills_ = 0, restarts_ = 0;
    std::map<std::string, std::size_t> kills_by_node_;
    std::vector<std::string> crashes_, restart_failures_;
};

}  // namespace relaysync::soak
