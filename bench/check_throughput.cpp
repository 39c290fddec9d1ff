// CheckResource throughput: a terminal checks N shared files through the real local store
// plugin, and `find` stats the same tree, in the same run. Prints both and their ratio.
//
//   relaysync-bench-check [--files N] [--dir DIR] [--rounds N]
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

using namespace relaysync;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double timeFind(const std::filesystem::path& root) {
    const auto start = Clock::now();
    const auto command = "find '" + root.string() + "' -type f -printf '%s %T@\\n' > /dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("find failed");
    return seconds(start);
}

}  // namespace

int main(int argc, char** argv) try {
    std::size_t files = 10'000;
    int rounds = 5;
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "relaysync-bench-check";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--files") files = std::stoul(argv[i + 1]);
        else if (option == "--dir") dir = argv[i + 1];
        else if (option == "--rounds") rounds = std::max(1, std::stoi(argv[i + 1]));
        else throw std::invalid_argument("unknown option " + option);
    }
    std::filesystem::remove_all(dir);
    const auto root = dir / "c";
    for (std::size_t i = 0; i < files; ++i) {
        const auto folder = root / ("d" + std::to_string(i / 100));
        std::filesystem::create_directories(folder);
        std::ofstream(folder / ("f" + std::to_string(i) + ".txt")) << "content " << i;
    }

    core::PluginChoice store_choice;
    store_choice.plugin = "local";
    store_choice.config["root"] = root.string();
    bench::CheckSite site(dir, "c:", store_choice);
    const double add_seconds =
        site.addResources(files, [](std::size_t i) { return "d" + std::to_string(i / 100) + "/f" + std::to_string(i) + ".txt"; });

    // Each side several times, alternating; the median round of each.
    std::vector<double> find_rounds, check_rounds;
    for (int round = 0; round < rounds; ++round) {
        find_rounds.push_back(timeFind(root));
        const auto check_start = Clock::now();
        site.checkUnchanged(files);
        check_rounds.push_back(seconds(check_start));
    }
    const double find_seconds = median(find_rounds);
    const double check_seconds = median(check_rounds);

    std::printf("files: %zu (addResource of all: %.2f s); median of %d rounds\n", files, add_seconds, rounds);
    std::printf("%-34s %10s %14s\n", "", "seconds", "files/second");
    std::printf("%-34s %10.3f %14.0f\n", "find -printf size,mtime (peer)", find_seconds, files / find_seconds);
    std::printf("%-34s %10.3f %14.0f\n", "relaysync CheckResource", check_seconds, files / check_seconds);
    std::printf("ratio relaysync/find: %.1fx the time\n", check_seconds / find_seconds);
    std::filesystem::remove_all(dir);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "relaysync-bench-check: " << e.what() << "\n";
    return 1;
}
