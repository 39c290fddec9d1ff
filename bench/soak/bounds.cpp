#include "bounds.h"

#include <algorithm>
#include <cstdio>
#include <functional>

namespace relaysync::soak {

namespace {

// Every node's figure (in bytes) at most `limit`; the detail names the highest and any over it.
Bound peakBound(const ProcessMeter& meter, const std::string& what, double limit,
                const std::function<double(const NodeFigures&)>& figure, const std::string& measured) {
    Bound bound{what, true, {}};
    double highest = 0;
    std::string who, over;
    for (const auto& [node, figures] : meter.figures()) {
        const auto value = figure(figures);
        if (value > highest) {
            highest = value;
            who = node;
        }
        if (value > limit) {
            bound.ok = false;
            over += " " + node + " " + mib(value);
        }
    }
    bound.detail = measured + " " + mib(highest) + " (" + who + ")" + (over.empty() ? "" : "; over it:" + over);
    return bound;
}

}  // namespace

std::string mib(double bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", bytes / (1024.0 * 1024.0));
    return text;
}

Bound memoryBound(const ProcessMeter& meter, double max_mib) {
    return peakBound(meter, "peak resident memory (VmHWM) of every daemon <= " + mib(max_mib * 1024 * 1024),
                     max_mib * 1024 * 1024, [](const NodeFigures& f) { return f.peak_rss_kib * 1024.0; }, "max");
}

Bound databaseBound(const ProcessMeter& meter, std::size_t entries, double bytes_per_entry, double overhead_mib) {
    const double limit = overhead_mib * 1024 * 1024 + bytes_per_entry * static_cast<double>(entries);
    char what[160];
    std::snprintf(what, sizeof what, "data in the database of every node (file - free pages, at the end) <= %s + %.0f B x %zu entries = %s",
                  mib(overhead_mib * 1024 * 1024).c_str(), bytes_per_entry, entries, mib(limit).c_str());
    return peakBound(meter, what, limit,
                     [](const NodeFigures& f) { return static_cast<double>(f.db_end - std::min(f.db_free_end, f.db_end)); },
                     "max");
}

Bound walBound(const ProcessMeter& meter, double max_mib) {
    return peakBound(meter, "write-ahead log of every node <= " + mib(max_mib * 1024 * 1024), max_mib * 1024 * 1024,
                     [](const NodeFigures& f) { return static_cast<double>(f.wal_peak); }, "peak");
}

Bound condition(const std::string& what, const std::string& problem, const std::string& detail_when_ok) {
    return {what, problem.empty(), problem.empty() ? detail_when_ok : problem};
}

void printBounds(std::ostream& out, const std::vector<Bound>& bounds) {
    for (const auto& bound : bounds)
        out << "  [" << (bound.ok ? "ok" : "FAILED") << "] " << bound.what << ": " << bound.detail << "\n";
    out << std::flush;
}

bool allHold(const std::vector<Bound>& bounds) {
    for (const auto& bound : bounds)
        if (!bound.ok) return false;
    return true;
}

}  // namespace relaysync::soak
