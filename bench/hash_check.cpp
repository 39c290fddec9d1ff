// The hash checker against `openssl dgst -sha256` and `sha256sum` over the same files, in the same
// run: a full check (every file read and hashed: trust_cache false) on as many threads as core
// gives the checker (one per core), the same on one thread, the same tree as one folder resource
// (its files hashed for the folder's hash), and a re-check of the unchanged tree (answered from
// the cache), each timed on a terminal with the real local store and the hash checker loaded
// through the plugin host. Prints them side by side and the ratios.
//
// The files are bench/common's reproducible tree (TreeSpec: random bytes, all of one size, in one
// folder); with --keep the tree stays in DIR and the next run with the same spec reuses it.
//
//   relaysync-bench-hash [--megabytes 512] [--files 64] [--rounds 3] [--dir DIR] [--keep]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "check_site.h"
#include "common/tree_generator.h"

using namespace relaysync;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double seconds(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// Hashes every file of `root` with `command` (given the files on its command line by xargs).
double timeTool(const fs::path& root, const std::string& command) {
    const auto start = Clock::now();
    const std::string line = "find '" + root.string() + "' -type f -print0 | xargs -0 " + command + " > /dev/null";
    if (std::system(line.c_str()) != 0) throw std::runtime_error("failed: " + line);
    return seconds(start);
}

// `files` files of random bytes totalling `megabytes` MiB, side by side in one folder.
bench::TreeSpec hashedFiles(std::size_t files, std::size_t megabytes) {
    bench::TreeSpec spec;
    spec.files = files;
    spec.per_folder = files;
    spec.depth = 0;
    spec.min_bytes = spec.max_bytes = static_cast<std::uint64_t>(megabytes) * 1024 * 1024 / files;
    spec.seed = 7;
    spec.extension = ".bin";
    return spec;
}

// `threads` 0: as many as core likes (one per core).
core::PluginChoice hashChecker(bool trust_cache, int threads = 0) {
    core::PluginChoice choice;
    choice.plugin = "hash";
    choice.config["trust_cache"] = trust_cache ? "true" : "false";
    choice.config["threads"] = std::to_string(threads);
    return choice;
}

const char* const kUsage =
    "usage: relaysync-bench-hash [--megabytes 512] [--files 64] [--rounds 3] [--dir DIR] [--keep]\n"
    "  Writes FILES files of random bytes (MEGABYTES MiB in all) under DIR and times, alternating,\n"
    "  openssl dgst -sha256, sha256sum and the hash checker over them; prints medians and ratios.\n"
    "  --keep leaves the files in DIR, and a later run with the same sizes reuses them.\n";

}  // namespace

int main(int argc, char** argv) try {
    std::size_t megabytes = 512, files = 64;
    int rounds = 3;
    fs::path dir = fs::temp_directory_path() / "relaysync-bench-hash";
    bool keep = false;
    for (int i = 1; i < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--help" || option == "-h") {
            std::cout << kUsage;
            return 0;
        }
        if (option == "--keep") {
            keep = true;
            --i;  // takes no value
            continue;
        }
        if (i + 1 >= argc) throw std::invalid_argument(option + " needs a value\n" + kUsage);
        if (option == "--megabytes") megabytes = std::stoul(argv[i + 1]);
        else if (option == "--files") files = std::stoul(argv[i + 1]);
        else if (option == "--rounds") rounds = std::max(1, std::stoi(argv[i + 1]));
        else if (option == "--dir") dir = argv[i + 1];
        else throw std::invalid_argument("unknown option " + option + "\n" + kUsage);
    }
    if (files == 0 || megabytes == 0) throw std::invalid_argument("--files and --megabytes: at least 1");
    const auto root = dir / "c";
    const auto spec = hashedFiles(files, megabytes);
    bench::makeTree(spec, root / "tree");
    const auto location = [&](std::size_t i) {
        std::string path = "tree/";
        path += bench::treeFilePath(spec, i);
        return path;
    };

    core::PluginChoice store;
    store.plugin = "local";
    store.config["root"] = root.string();
    for (const char* site : {"full", "single", "folder", "cached"}) {
        fs::remove_all(dir / site);  // the databases of an earlier run, whose files --keep kept
        fs::create_directories(dir / site);
    }
    bench::CheckSite full(dir / "full", "c:", store, hashChecker(false));
    bench::CheckSite single(dir / "single", "c:", store, hashChecker(false, 1));
    bench::CheckSite folder(dir / "folder", "c:", store, hashChecker(false));
    bench::CheckSite cached(dir / "cached", "c:", store, hashChecker(true));
    full.addResources(files, location);
    single.addResources(files, location);
    folder.addResources(1, [](std::size_t) { return std::string("tree"); });
    cached.addResources(files, location);  // hashes each file once: the cache knows them all

    std::vector<double> openssl, sha256sum, full_check, single_check, folder_check, re_check;
    const auto timed = [](std::vector<double>& into, bench::CheckSite& site, std::size_t expected) {
        const auto start = Clock::now();
        site.checkUnchanged(expected);
        into.push_back(seconds(start));
    };
    for (int round = 0; round < rounds; ++round) {
        openssl.push_back(timeTool(root, "openssl dgst -sha256"));
        sha256sum.push_back(timeTool(root, "sha256sum"));
        timed(full_check, full, files);
        timed(single_check, single, files);
        timed(folder_check, folder, 1);
        timed(re_check, cached, files);
    }
    const double peer = median(openssl);
    std::printf("%zu files, %zu MiB of random bytes, page cache warm; median of %d rounds; %u cores\n", files, megabytes,
                rounds, std::thread::hardware_concurrency());
    std::printf("%-50s %10s %10s %8s\n", "", "seconds", "MiB/s", "/openssl");
    const auto row = [&](const char* what, double s) {
        std::printf("%-50s %10.3f %10.0f %7.2fx\n", what, s, megabytes / s, s / peer);
    };
    row("openssl dgst -sha256 (peer)", peer);
    row("sha256sum", median(sha256sum));
    row("relaysync hash check, every file read", median(full_check));
    row("relaysync hash check, every file read, 1 thread", median(single_check));
    row("relaysync hash check, the tree as one folder", median(folder_check));
    row("relaysync hash re-check, unchanged (cache)", median(re_check));
    std::printf("ratio full check/openssl: %.2fx the time (target at most 1.1x)\n", median(full_check) / peer);
    std::printf("re-check: %.0fx faster than openssl (target at least 20x)\n", peer / median(re_check));
    if (!keep) fs::remove_all(dir);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "relaysync-bench-hash: " << e.what() << "\n";
    return 1;
}
