// CheckResource on an SMB share: a terminal checks N shared files through the real "smb" store
// plugin (loaded by the plugin host, as the daemon loads it) on a private smbd on 127.0.0.1, and
// smbclient lists the same tree (`recurse; ls`) on the same server, in the same run. Prints both
// and their ratio.
//
//   relaysync-bench-smb [--files N] [--folders F] [--rounds R] [--dir DIR]
//
// The share "finance" holds only the folder "tree" (the store's root): F folders of N/F small
// files each, bench/common's reproducible tree (TreeSpec). Each round times one smbclient run (a new process: connect, authenticate, list
// every folder; password from an authentication file, -A) and one whole-share check of the
// terminal (Node::checkResources: the root probed once, then every entity looked at through the
// store), alternating; the rows show the median round. The terminal's store keeps its
// connection between checks, as in a running daemon; the first check's time (which connects)
// is printed apart.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "check_site.h"
#include "common/tree_generator.h"
#include "samba_server.h"

using namespace relaysync;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

constexpr const char* kUser = "bench";
constexpr const char* kPassword = "bench pass%word";

double seconds(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const auto n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// One `smbclient ... -c COMMANDS` run, its output into `listing`.
double timeSmbclient(std::uint16_t port, const fs::path& credentials, const std::string& commands,
                     const fs::path& listing) {
    const auto command = "smbclient //127.0.0.1/finance -p " + std::to_string(port) + " -A '" + credentials.string() +
                         "' -c '" + commands + "' > '" + listing.string() + "' 2>&1";
    const auto start = Clock::now();
    if (std::system(command.c_str()) != 0) throw std::runtime_error("smbclient failed: " + command);
    return seconds(start);
}

// Files in smbclient's listing: entry lines with attribute "A" or "N" (folders have "D").
std::size_t filesListed(const fs::path& listing) {
    std::ifstream in(listing);
    std::size_t files = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("  ", 0) != 0 || line.find(" D ") != std::string::npos) continue;
        if (line.find(".txt ") != std::string::npos) ++files;
    }
    return files;
}

}  // namespace

int main(int argc, char** argv) try {
    std::size_t files = 5'000;
    std::size_t folders = 50;
    std::size_t rounds = 5;
    fs::path dir = fs::temp_directory_path() / ("relaysync-bench-smb-" + std::to_string(::getpid()));
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--files") files = std::stoul(argv[i + 1]);
        else if (option == "--folders") folders = std::stoul(argv[i + 1]);
        else if (option == "--rounds") rounds = std::stoul(argv[i + 1]);
        else if (option == "--dir") dir = argv[i + 1];
        else throw std::invalid_argument("unknown option " + option);
    }
    if (files == 0 || folders == 0 || rounds == 0) throw std::invalid_argument("--files, --folders, --rounds: at least 1");
    fs::remove_all(dir);
    // Removes the folder on every way out, after the server (declared later) has stopped.
    struct RemovedAtExit {
        fs::path path;
        ~RemovedAtExit() {
            std::error_code ignored;
            fs::remove_all(path, ignored);
        }
    } removed_at_exit{dir};
    const auto share = dir / "share";
    const auto root = share / "tree";
    bench::TreeSpec spec;
    spec.files = files;
    spec.per_folder = (files + folders - 1) / folders;
    bench::makeTree(spec, root);
    const auto location = [&](std::size_t i) { return bench::treeFilePath(spec, i); };
    const auto credentials = dir / "credentials";
    {
        std::ofstream(credentials) << "username = " << kUser << "\npassword = " << kPassword << "\n";
        fs::permissions(credentials, fs::perms::owner_read | fs::perms::owner_write);
    }

    // Stopped by its pid by the destructor, on every way out of this scope.
    auto server_owner = std::make_unique<tests::SambaServer>(dir / "samba", kUser, kPassword,
                                                             std::map<std::string, fs::path>{{"finance", share}});
    auto& server = *server_owner;
    server.start();

    core::PluginChoice store_choice;
    store_choice.plugin = "smb";
    store_choice.config = {{"server", "127.0.0.1"},
                           {"port", std::to_string(server.port())},
                           {"share", "finance"},
                           {"folder", "tree"},
                           {"credentials_file", credentials.string()}};
    bench::CheckSite site(dir, "f:", store_choice);
    const double add_seconds = site.addResources(files, location);

    std::vector<double> smbclient_times;
    std::vector<double> check_times;
    std::vector<double> connect_times;  // smbclient without the listing: start, connect, authenticate
    const auto listing = dir / "smbclient.out";
    for (std::size_t round = 0; round < rounds; ++round) {
        smbclient_times.push_back(timeSmbclient(server.port(), credentials, "recurse; ls", listing));
        connect_times.push_back(timeSmbclient(server.port(), credentials, "exit", dir / "exit.out"));
        if (round == 0 && filesListed(listing) != files)
            throw std::runtime_error("smbclient listed " + std::to_string(filesListed(listing)) + " files, not " +
                                     std::to_string(files) + " (see " + listing.string() + ")");
        const auto check_start = Clock::now();
        site.checkUnchanged(files);
        check_times.push_back(seconds(check_start));
    }

    const double peer = median(smbclient_times);
    const double ours = median(check_times);
    std::printf("files: %zu in %zu folders on smb://127.0.0.1:%u/finance/tree (addResource of all: %.2f s)\n", files,
                folders, static_cast<unsigned>(server.port()), add_seconds);
    std::printf("rounds: %zu, alternating; median round shown\n", rounds);
    std::printf("%-44s %10s %14s\n", "", "seconds", "files/second");
    std::printf("%-44s %10.3f %14.0f\n", "smbclient -c 'recurse; ls' (peer)", peer, files / peer);
    std::printf("%-44s %10.3f %14.0f\n", "relaysync CheckResource (smb store)", ours, files / ours);
    std::printf("ratio relaysync/smbclient: %.2fx the time\n", ours / peer);
    std::printf("(of smbclient's time, %.3f s is starting, connecting and authenticating: -c 'exit')\n",
                median(connect_times));
    std::printf("each round (smbclient / relaysync, s):");
    for (std::size_t i = 0; i < rounds; ++i) std::printf(" %.3f/%.3f", smbclient_times[i], check_times[i]);
    std::printf("\n");
    return 0;
} catch (const std::exception& e) {
    std::cerr << "relaysync-bench-smb: " << e.what() << "\n";
    return 1;
}
