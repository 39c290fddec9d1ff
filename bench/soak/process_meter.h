#pragma once
// Memory and database size of every node, sampled while the soak runs: the peak resident set
// of each process (VmHWM from /proc/<pid>/status, kept over the node's restarts, each of which
// is a new process), the size of its SQLite file at the start, at the peak and once the node
// has stopped (its WAL checkpointed into it), and the peak size of its write-ahead log
// (<file>-wal).

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cluster/cluster.h"

namespace relaysync::soak {

struct NodeFigures {
    std::uint64_t start_rss_kib = 0; // VmRSS when the soak phase starts
    std::uint64_t peak_rss_kib = 0;  // highest VmHWM of any of its processes
    std::uint64_t last_rss_kib = 0;  // VmRSS at the last sample
    std::uint64_t db_start = 0, db_peak = 0, db_end = 0;  // bytes, the SQLite file (end: stopped)
    std::uint64_t wal_peak = 0;                           // bytes, its -wal file
    std::uint64_t db_free_end = 0;  // bytes of free pages in the file once the node has stopped
};

class ProcessMeter {
public:
    explicit ProcessMeter(cluster::Cluster& cluster);

    // Reads every running node's memory and every node's database size.
    void sample();
    // Reads one node's memory now (before it is killed: its VmHWM dies with it).
    void sampleMemory(const std::string& node);
    // The memory and database sizes now are those of the start.
    void markStart();
    // Once every node has stopped: each database file's size, and how much of it is free pages
    // (from the SQLite header, exact once the WAL is checkpointed).
    void markStopped();

    const std::map<std::string, NodeFigures>& figures() const { return figures_; }
    // This process's own VmHWM, in KiB.
    static std::uint64_t ownPeakKib();

private:
    // The SQLite file's size, and its WAL's in `wal`; 0 for what does not exist.
    std::uint64_t databaseBytes(const std::string& node, std::uint64_t* wal = nullptr) const;

    cluster::Cluster& cluster_;
    std::map<std::string, NodeFigures> figures_;
    std::map<std::string, std::filesystem::path> databases_;
};

// A /proc/<pid>/status field in KiB ("VmHWM", "VmRSS"); 0 when it cannot be read.
std::uint64_t procStatusKib(pid_t pid, const std::string& field);

}  // namespace relaysync::soak
