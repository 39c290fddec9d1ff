#pragma once
// The command line of relaysync-bench-soak (usage text in options.cpp).

#include <cstdint>
#include <filesystem>
#include <string>

namespace relaysync::soak {

struct Options {
    // What runs.
    double seconds = 60;                // length of the soak phase
    std::size_t files = 3000;           // files written at the start, spread over the members
    std::uint64_t seed = 0;             // set from the clock unless given
    std::filesystem::path data_dir;     // empty: soak-data next to the program (in the build tree)
    std::filesystem::path config_dir;   // empty: four-site profiles written on free ports
    std::string gone_entity = "mark";   // for the written profiles
    std::string log_level = "information";
    std::filesystem::path bin_dir;      // empty: the build tree's

    // The load.
    double changes_per_second = 10;
    double sync_every = 3;      // mean seconds between synchronize starts
    std::size_t max_syncs_in_flight = 3;
    double kill_every = 8;      // mean seconds between kills; 0: none
    std::size_t max_down = 2;   // nodes down at once at most
    double max_downtime = 4;    // seconds a killed node stays down at most

    // The end and the bounds it checks.
    double final_deadline = 300;         // seconds for each step of the final phase
    double max_rss_mib = 200;            // VmHWM of any daemon
    double db_bytes_per_entry = 3072;    // SQLite file per shared entry ...
    double db_overhead_mib = 1;          // ... plus this much
    double max_wal_mib = 32;             // its write-ahead log

    bool help = false;
};

// Throws std::invalid_argument with a one-line reason.
Options parseOptions(int argc, char** argv);
const char* usage();

}  // namespace relaysync::soak
