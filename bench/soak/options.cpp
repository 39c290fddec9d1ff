#include "options.h"

#include <chrono>
#include <stdexcept>
#include <string>

namespace relaysync::soak {

namespace {

constexpr const char* kUsage = R"(usage: relaysync-bench-soak [--seconds S] [--files N] [--seed N] [--data DIR] [OPTION...]

Runs the four sites (4 relays, 8 terminals) as real processes over TLS, shares --files files in
workspace1 (as files and as folders of files), then for --seconds changes files on disk,
synchronizes from random member terminals and kills (SIGKILL) and restarts random nodes. At the
end every node runs again, one whole-share synchronize is waited for, and every holder of the
share must show the same entries, matching the owners' disks. Prints counts, synchronize
durations, peak memory per process and database sizes; exit status 1 when the nodes did not
converge or a bound was broken (the reason is printed), 2 on a usage error.

  --seconds S             length of the soak phase (default 60)
  --files N               files written and shared at the start (default 3000)
  --seed N                random seed (default: from the clock; printed, to run again)
  --data DIR              databases, logs, stores, certificates (default: soak-data next to
                          this program, e.g. build/bench/soak-data); wiped at start if empty
                          or made by relaysync-bench-soak, refused otherwise
  --config DIR            the four-site profiles to run (e.g. config/four-site, fixed ports
                          7101-7104); default: the same sites written to DIR/profiles on free ports
  --gone-entity MODE      mark | remove, for the written profiles (default mark)
  --log-level LEVEL       the nodes' log level, for the written profiles (default information)
  --bin DIR               relaysync-relay, -terminal, -admin (default: the build tree's)
  --changes-per-second R  changes on disk per second (default 10)
  --sync-every S          mean seconds between synchronize starts (default 3)
  --syncs-in-flight N     synchronizes running at once at most (default 3)
  --kill-every S          mean seconds between kills, 0 for none (default 8)
  --max-down N            nodes down at once at most (default 2)
  --max-downtime S        seconds a killed node stays down at most (default 4)
  --final-deadline S      bound of each wait at the end (default 300)
  --max-rss-mib M         bound: peak resident memory (VmHWM) of every daemon (default 200)
  --db-bytes-per-entry B  bound: the SQLite file of every node at most
  --db-overhead-mib M     M MiB + B bytes x shared entries (defaults 1 MiB, 3072 B)
  --max-wal-mib M         bound: its write-ahead log (default 32)
)";

double positive(const std::string& option, const std::string& text, bool zero_ok = false) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || value < 0 || (!zero_ok && value == 0))
        throw std::invalid_argument(option + ": expected a " + (zero_ok ? "non-negative" : "positive") +
                                    " number, got '" + text + "'");
    return value;
}

std::size_t count(const std::string& option, const std::string& text) {
    const auto value = positive(option, text);
    if (value != static_cast<double>(static_cast<std::size_t>(value)))
        throw std::invalid_argument(option + ": expected a whole number, got '" + text + "'");
    return static_cast<std::size_t>(value);
}

}  // namespace

const char* usage() { return kUsage; }

Options parseOptions(int argc, char** argv) {
    Options options;
    options.seed = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) % 1000000;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            options.help = true;
            continue;
        }
        if (i + 1 >= argc) throw std::invalid_argument("unknown argument or missing value: '" + arg + "' (see --help)");
        const std::string value = argv[++i];
        if (arg == "--seconds") options.seconds = positive(arg, value);
        else if (arg == "--files") options.files = count(arg, value);
        else if (arg == "--seed") options.seed = static_cast<std::uint64_t>(positive(arg, value, true));
        else if (arg == "--data") options.data_dir = value;
        else if (arg == "--config") options.config_dir = value;
        else if (arg == "--gone-entity") {
            if (value != "mark" && value != "remove")
                throw std::invalid_argument("--gone-entity: expected mark or remove, got '" + value + "'");
            options.gone_entity = value;
        } else if (arg == "--log-level") options.log_level = value;
        else if (arg == "--bin") options.bin_dir = value;
        else if (arg == "--changes-per-second") options.changes_per_second = positive(arg, value);
        else if (arg == "--sync-every") options.sync_every = positive(arg, value);
        else if (arg == "--syncs-in-flight") options.max_syncs_in_flight = count(arg, value);
        else if (arg == "--kill-every") options.kill_every = positive(arg, value, true);
        else if (arg == "--max-down") options.max_down = count(arg, value);
        else if (arg == "--max-downtime") options.max_downtime = positive(arg, value);
        else if (arg == "--final-deadline") options.final_deadline = positive(arg, value);
        else if (arg == "--max-rss-mib") options.max_rss_mib = positive(arg, value);
        else if (arg == "--db-bytes-per-entry") options.db_bytes_per_entry = positive(arg, value);
        else if (arg == "--db-overhead-mib") options.db_overhead_mib = positive(arg, value, true);
        else if (arg == "--max-wal-mib") options.max_wal_mib = positive(arg, value);
        else throw std::invalid_argument("unknown argument '" + arg + "' (see --help)");
    }
    return options;
}

}  // namespace relaysync::soak
