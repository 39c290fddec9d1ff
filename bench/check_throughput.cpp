// CheckResource throughput on a no-change tree: a terminal checks N files through the real local
// store plugin, against two peers over the same tree in the same run:
//   find -printf '%s %T@'   one pass stat-ing every file (what a check must at least do);
//   rsync -an src/ dst/     a dry run into an identical copy (same sizes and times), so rsync's
//                           quick check finds nothing to do: its honest "no change" case.
// Two modes: every file its own resource ("many"), and the tree's top folder as one resource
// ("folder", whose details aggregate everything beneath it). Wall and CPU time (user + system;
// this process for relaysync, the children for the peers) are printed, and their ratios: on a
// shared machine the CPU figures are the steadier ones.
//
// The tree is bench/common's reproducible one (TreeSpec); with --keep it stays in DIR after the
// run and the next run with the same spec reuses it instead of writing it again.
//
//   relaysync-bench-check [--files N] [--per-folder N] [--depth N] [--seed N] [--mode many|folder|both]
//                         [--rounds N] [--dir DIR] [--no-rsync] [--keep]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "check_site.h"
#include "common/tree_generator.h"

using namespace relaysync;
using Clock = std::chrono::steady_clock;

namespace {

struct Cost {
    double wall = 0;
    double cpu = 0;
};

double cpuSeconds(int who) {
    rusage usage{};
    getrusage(who, &usage);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

template <typename Work>
Cost measure(int who, Work work) {
    const auto cpu = cpuSeconds(who);
    const auto start = Clock::now();
    work();
    return {std::chrono::duration<double>(Clock::now() - start).count(), cpuSeconds(who) - cpu};
}

Cost median(std::vector<Cost> costs) {
    std::vector<double> walls, cpus;
    for (const auto& cost : costs) walls.push_back(cost.wall), cpus.push_back(cost.cpu);
    std::sort(walls.begin(), walls.end());
    std::sort(cpus.begin(), cpus.end());
    return {walls[walls.size() / 2], cpus[cpus.size() / 2]};
}

void run(const std::string& command) {
    if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

void printRow(const char* what, const Cost& cost, std::size_t files) {
    std::printf("  %-40s %9.3f %9.3f %12.0f\n", what, cost.wall, cost.cpu, files / cost.wall);
}

void printRatio(const char* peer, const Cost& ours, const Cost& theirs) {
    std::printf("  ratio relaysync/%s: %.2fx the wall time, %.2fx the CPU time\n", peer, ours.wall / theirs.wall,
                ours.cpu / theirs.cpu);
}

}  // namespace

int main(int argc, char** argv) try {
    bench::TreeSpec spec;
    int rounds = 5;
    std::string mode = "both";
    bool with_rsync = true;
    bool keep = false;
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "relaysync-bench-check";
    for (int i = 1; i < argc; ++i) {
        const std::string option = argv[i];
        if (option == "--no-rsync" || option == "--keep") {
            (option == "--keep" ? keep : with_rsync) = option == "--keep";
            continue;
        }
        if (i + 1 >= argc) throw std::invalid_argument("option " + option + " needs a value");
        const std::string value = argv[++i];
        if (option == "--files") spec.files = std::stoul(value);
        else if (option == "--per-folder") spec.per_folder = std::max<std::size_t>(1, std::stoul(value));
        else if (option == "--depth") spec.depth = std::stoul(value);
        else if (option == "--seed") spec.seed = std::stoull(value);
        else if (option == "--mode") mode = value;
        else if (option == "--dir") dir = value;
        else if (option == "--rounds") rounds = std::max(1, std::stoi(value));
        else throw std::invalid_argument("unknown option " + option);
    }
    if (mode != "many" && mode != "folder" && mode != "both") throw std::invalid_argument("--mode many|folder|both");
    if (with_rsync && std::system("command -v rsync > /dev/null") != 0) {
        std::printf("rsync is not installed (scripts/setup.sh installs it): measured against find only\n");
        with_rsync = false;
    }

    // The tree, and its identical copy for rsync (cp -a keeps sizes and times).
    const std::size_t files = spec.files;
    const auto root = dir / "c";
    const auto tree = root / "tree";
    const auto copy = dir / "copy";
    const auto started = Clock::now();
    const bool written = bench::makeTree(spec, tree);
    if (written) std::filesystem::remove_all(copy);
    if (with_rsync && !std::filesystem::exists(copy)) run("cp -a '" + tree.string() + "' '" + copy.string() + "'");
    std::printf("tree: %s, %s in %.1f s\n", spec.describe().c_str(), written ? "written" : "reused",
                std::chrono::duration<double>(Clock::now() - started).count());
    const auto find_command = "find '" + tree.string() + "' -type f -printf '%s %T@\\n' > /dev/null";
    const auto rsync_command = "rsync -an '" + tree.string() + "/' '" + copy.string() + "/' > /dev/null";

    core::PluginChoice store_choice;
    store_choice.plugin = "local";
    store_choice.config["root"] = root.string();

    std::printf("no-change CheckResource of %zu files in folders of %zu; median of %d rounds\n", files,
                spec.per_folder, rounds);
    std::printf("  %-40s %9s %9s %12s\n", "", "wall s", "CPU s", "files/s");
    for (const std::string one : {"many", "folder"}) {
        if (mode != "both" && mode != one) continue;
        const bool as_folder = one == "folder";
        const auto site_dir = dir / ("site-" + one);
        std::filesystem::remove_all(site_dir);
        std::filesystem::create_directories(site_dir);
        bench::CheckSite site(site_dir, "c:", store_choice);
        const double add_seconds =
            as_folder ? site.addResources(1, [](std::size_t) { return std::string("tree"); })
                      : site.addResources(files, [&](std::size_t i) {
                            std::string location = "tree/";
                            location += bench::treeFilePath(spec, i);
                            return location;
                        });
        const std::size_t expected = as_folder ? 1 : files;

        // Each side several times, alternating; the median round of each.
        std::vector<Cost> find_rounds, rsync_rounds, check_rounds;
        for (int round = 0; round < rounds; ++round) {
            find_rounds.push_back(measure(RUSAGE_CHILDREN, [&] { run(find_command); }));
            if (with_rsync) rsync_rounds.push_back(measure(RUSAGE_CHILDREN, [&] { run(rsync_command); }));
            check_rounds.push_back(measure(RUSAGE_SELF, [&] { site.checkUnchanged(expected); }));
        }
        const auto find_cost = median(find_rounds);
        const auto check_cost = median(check_rounds);
        std::printf("%s: %s (adding it: %.2f s)\n", one.c_str(),
                    as_folder ? "the tree's top folder as one resource" : "each file its own resource", add_seconds);
        printRow("find -printf '%s %T@' (peer)", find_cost, files);
        Cost rsync_cost;
        if (with_rsync) {
            rsync_cost = median(rsync_rounds);
            printRow("rsync -an into an identical copy (peer)", rsync_cost, files);
        }
        printRow("relaysync CheckResource", check_cost, files);
        printRatio("find", check_cost, find_cost);
        if (with_rsync) printRatio("rsync", check_cost, rsync_cost);
    }
    if (!keep) std::filesystem::remove_all(dir);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "relaysync-bench-check: " << e.what() << "\n";
    return 1;
}
