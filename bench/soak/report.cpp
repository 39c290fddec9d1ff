#include "report.h"

#include <cstdio>
#include <set>

#include "assembly/text_table.h"
#include "cluster/wait.h"
#include "stats.h"

namespace relaysync::soak {

namespace {

std::string kib(std::uint64_t bytes) { return std::to_string((bytes + 512) / 1024); }

std::string mibOfKib(std::uint64_t kib) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", static_cast<double>(kib) / 1024.0);
    return text;
}

}  // namespace

void printChanges(std::ostream& out, const ResourceSet& resources) {
    std::size_t total = 0;
    std::string kinds;
    for (const auto& [kind, count] : resources.changes()) {
        if (kind.rfind("skipped", 0) != 0 && kind != "add failed") total += count;
        kinds += (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(count);
    }
    std::size_t folders = 0;
    for (const auto& resource : resources.resources()) folders += resource.folder ? 1 : 0;
    out << "  changes on disk: " << total << " (" << kinds << ")\n"
        << "  resources shared by the soak at the end: " << resources.resources().size() << " ("
        << resources.resources().size() - folders << " files, " << folders << " folders); files written "
        << resources.filesWritten() << "\n";
}

void printSyncs(std::ostream& out, const SyncRunner& syncs, long final_index) {
    std::vector<double> whole, targeted;
    std::size_t finished = 0, with_unreachable = 0, with_problems = 0;
    std::int64_t checked = 0, changed = 0, gone = 0, recovered = 0;
    std::set<std::string> problems;
    const auto& records = syncs.records();
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& record = records[i];
        if (!record.finished) continue;
        ++finished;
        if (static_cast<long>(i) != final_index) (record.targeted ? targeted : whole).push_back(record.seconds);
        const auto& report = record.report;
        checked += report.checked;
        changed += report.changed;
        gone += report.gone;
        recovered += report.recovered;
        with_unreachable += report.unreachable_nodes.empty() ? 0 : 1;
        if (!report.problems.empty()) {
            ++with_problems;
            for (const auto& problem : report.problems)
                if (problems.size() < 5) problems.insert(problem);
        }
    }
    out << "  synchronizes started: " << records.size() + syncs.failedStarts() << " (" << syncs.failedStarts()
        << " refused or not reachable at the start), finished: " << finished << "\n"
        << "    whole share during the soak: " << spread(whole) << "\n"
        << "    targeted during the soak:    " << spread(targeted) << "\n";
    if (final_index >= 0 && records[final_index].finished)
        out << "    final whole-share:           " << spread({records[final_index].seconds}) << "\n";
    const SyncRecord* slowest = nullptr;
    for (const auto& record : records)
        if (record.finished && (!slowest || record.seconds > slowest->seconds)) slowest = &record;
    if (slowest)
        out << "    slowest: " << slowest->id << (slowest->targeted ? " (targeted)" : " (whole share)") << ", "
            << cluster::seconds(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(slowest->seconds)))
            << ", its report naming " << slowest->report.unreachable_nodes.size() << " unreachable nodes\n";
    out << "    reports summed: checked " << checked << ", changed " << changed << ", gone " << gone << ", recovered "
        << recovered << "; " << with_unreachable << " named unreachable nodes, " << with_problems
        << " named problems\n";
    for (const auto& problem : problems) out << "      problem: " << problem << "\n";
    for (const auto& reason : syncs.failureReasons()) out << "      start refused: " << reason << "\n";
}

void printKills(std::ostream& out, const Chaos& chaos) {
    std::string by_node;
    for (const auto& [node, count] : chaos.killsByNode()) by_node += " " + node + " " + std::to_string(count);
    out << "  kills (SIGKILL): " << chaos.kills() << (by_node.empty() ? "" : " (" + by_node.substr(1) + ")")
        << ", restarts: " << chaos.restarts() << ", restart failures: " << chaos.restartFailures().size()
        << ", crashes: " << chaos.crashes().size() << "\n";
    for (const auto& failure : chaos.restartFailures()) out << "      restart failed: " << failure << "\n";
    for (const auto& crash : chaos.crashes()) out << "      crash: " << crash << "\n";
}

void printProcesses(std::ostream& out, cluster::Cluster& cluster, const ProcessMeter& meter, const Chaos& chaos) {
    using Align = core::TextTable::Align;
    core::TextTable table({{"NODE"}, {"PID", Align::right}, {"KILLED", Align::right}, {"RSS START MiB", Align::right},
                           {"PEAK RSS MiB", Align::right}, {"RSS END MiB", Align::right}, {"DB START KiB", Align::right}, {"DB PEAK KiB", Align::right},
                           {"DB END KiB", Align::right}, {"FREE KiB", Align::right}, {"WAL PEAK KiB", Align::right}});
    const auto kills = chaos.killsByNode();
    for (const auto& name : cluster.names()) {
        const auto& figures = meter.figures().at(name);
        const auto killed = kills.find(name);
        table.addRow({name, std::to_string(cluster.pid(name)), std::to_string(killed == kills.end() ? 0 : killed->second),
                      mibOfKib(figures.start_rss_kib), mibOfKib(figures.peak_rss_kib), mibOfKib(figures.last_rss_kib), kib(figures.db_start),
                      kib(figures.db_peak), kib(figures.db_end), kib(figures.db_free_end), kib(figures.wal_peak)});
    }
    out << table.render("  ") << "  (DB: the SQLite file, END after the stop; FREE: its free pages then; WAL: its -wal file;"
        << " this program's own peak RSS: " << mibOfKib(ProcessMeter::ownPeakKib()) << " MiB)\n";
}

}  // namespace relaysync::soak
