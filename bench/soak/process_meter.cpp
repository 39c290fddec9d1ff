#include "process_meter.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace fs = std::filesystem;

namespace relaysync::soak {

std::uint64_t procStatusKib(pid_t pid, const std::string& field) {
    if (pid <= 0) return 0;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind(field + ":", 0) == 0) {
            std::istringstream value(line.substr(field.size() + 1));
            std::uint64_t kib = 0;
            value >> kib;
            return kib;
        }
    return 0;
}

ProcessMeter::ProcessMeter(cluster::Cluster& cluster) : cluster_(cluster) {
    for (const auto& name : cluster_.names()) {
        figures_[name];
        const auto& database = cluster_.node(name).profile.database;
        const std::string scheme = "sqlite:";
        if (database.rfind(scheme, 0) == 0) databases_[name] = database.substr(scheme.size());
    }
}

std::uint64_t ProcessMeter::ownPeakKib() { return procStatusKib(::getpid(), "VmHWM"); }

std::uint64_t ProcessMeter::databaseBytes(const std::string& node, std::uint64_t* wal) const {
    const auto found = databases_.find(node);
    if (found == databases_.end()) return 0;
    std::error_code error;
    const auto main = fs::file_size(found->second, error);
    const auto main_bytes = error ? 0 : main;
    const auto log = fs::file_size(found->second.string() + "-wal", error);
    const auto wal_bytes = error ? 0 : log;
    if (wal) *wal = wal_bytes;
    return main_bytes;
}

void ProcessMeter::sampleMemory(const std::string& node) {
    if (!cluster_.running(node)) return;
    auto& figures = figures_[node];
    const auto pid = cluster_.pid(node);
    figures.peak_rss_kib = std::max(figures.peak_rss_kib, procStatusKib(pid, "VmHWM"));
    if (const auto rss = procStatusKib(pid, "VmRSS")) figures.last_rss_kib = rss;
}

void ProcessMeter::sample() {
    for (auto& [node, figures] : figures_) {
        sampleMemory(node);
        std::uint64_t wal = 0;
        figures.db_peak = std::max(figures.db_peak, databaseBytes(node, &wal));
        figures.wal_peak = std::max(figures.wal_peak, wal);
    }
}

void ProcessMeter::markStart() {
    sample();
    for (auto& [node, figures] : figures_) {
        figures.db_start = databaseBytes(node);
        figures.start_rss_kib = figures.last_rss_kib;
    }
}

void ProcessMeter::markStopped() {
    for (auto& [node, figures] : figures_) {
        const auto found = databases_.find(node);
        if (found == databases_.end()) continue;
        figures.db_end = databaseBytes(node);
        figures.db_peak = std::max(figures.db_peak, figures.db_end);
        // The header: page size at offset 16 (2 bytes, big-endian, 1 for 65536), the number of
        // free pages at offset 36 (4 bytes, big-endian).
        unsigned char header[100] = {};
        std::ifstream file(found->second, std::ios::binary);
        if (!file.read(reinterpret_cast<char*>(header), sizeof header)) continue;
        const auto big = [&](int at, int bytes) {
            std::uint64_t value = 0;
            for (int i = 0; i < bytes; ++i) value = value << 8 | header[at + i];
            return value;
        };
        const auto page_size = big(16, 2) == 1 ? 65536 : big(16, 2);
        figures.db_free_end = big(36, 4) * page_size;
    }
}

}  // namespace relaysync::soak
