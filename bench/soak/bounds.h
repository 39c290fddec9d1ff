#pragma once
// What the soak checks at the end, each with its bound and what was measured; any that fails
// makes the exit status 1.

#include <ostream>
#include <string>
#include <vector>

#include "process_meter.h"

namespace relaysync::soak {

struct Bound {
    std::string what;    // "peak RSS of every daemon <= 200 MiB"
    bool ok = false;
    std::string detail;  // "max 41.2 MiB (relay2)" or why not
};

// Every daemon's peak VmHWM at most `max_mib`.
Bound memoryBound(const ProcessMeter& meter, double max_mib);
// Every node's data once stopped (its SQLite file without the free pages) at most overhead +
// bytes_per_entry x entries. Free pages are left out: SQLite keeps the file at its largest (no
// auto_vacuum), and what filled it was the outbox while peers were down, which the kills
// decide, not the number of entries.
Bound databaseBound(const ProcessMeter& meter, std::size_t entries, double bytes_per_entry, double overhead_mib);
// Every node's write-ahead log, at its peak, at most `max_mib`.
Bound walBound(const ProcessMeter& meter, double max_mib);
// A condition that held (empty `problem`) or did not.
Bound condition(const std::string& what, const std::string& problem, const std::string& detail_when_ok = "yes");

void printBounds(std::ostream& out, const std::vector<Bound>& bounds);
bool allHold(const std::vector<Bound>& bounds);

// "12.3 MiB"
std::string mib(double bytes);

}  // namespace relaysync::soak
