// CheckResource throughput: a terminal checks N shared files through the real local store
// plugin, and `find` stats the same tree, in the same run. Prints both and their ratio.
//
//   relaysync-bench-check [--files N] [--dir DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "checker/timestamp_size_checker.h"
#include "plugin_host/plugin_host.h"
#include "runtime/in_process_network.h"
#include "runtime/node.h"

using namespace relaysync;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double timeFind(const std::filesystem::path& root) {
    const auto start = Clock::now();
    const auto command = "find '" + root.string() + "' -type f -printf '%s %T@\\n' > /dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("find failed");
    return seconds(start);
}

}  // namespace

int main(int argc, char** argv) try {
    std::size_t files = 10'000;
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "relaysync-bench-check";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--files") files = std::stoul(argv[i + 1]);
        else if (option == "--dir") dir = argv[i + 1];
        else throw std::invalid_argument("unknown option " + option);
    }
    std::filesystem::remove_all(dir);
    const auto root = dir / "c";
    for (std::size_t i = 0; i < files; ++i) {
        const auto folder = root / ("d" + std::to_string(i / 100));
        std::filesystem::create_directories(folder);
        std::ofstream(folder / ("f" + std::to_string(i) + ".txt")) << "content " << i;
    }

    core::InProcessNetwork network;
    core::PluginHost host({});
    core::PluginChoice store_choice;
    store_choice.plugin = "local";
    store_choice.config["root"] = root.string();

    core::Node::Parts relay_parts;
    relay_parts.database = std::make_unique<core::Database>("sqlite:" + (dir / "relay.db").string());
    relay_parts.transport = network.transportFor("relay@bench");
    auto relay = core::Node::relay(std::move(relay_parts), "relay@bench", "Bench");
    core::Node::Parts parts;
    parts.database = std::make_unique<core::Database>("sqlite:" + (dir / "terminal.db").string());
    parts.transport = network.transportFor("pc@relay");
    parts.stores = std::make_unique<core::StoreRouter>();
    parts.stores->add("c:", host.createStore(store_choice));
    parts.checker = std::make_shared<core::TimestampSizeChecker>();
    auto terminal = core::Node::terminal(std::move(parts), "pc@relay", "relay@bench", {});
    relay->start();
    terminal->start();

    const auto group = relay->withRelay([](core::RelayEngine& r) { return r.createGroup(std::nullopt); });
    relay->withRelay([&](core::RelayEngine& r) { r.addTerminal(group, "pc@relay", "PC", "Bench", /*force=*/true); });
    network.run();
    const auto share = terminal->withTerminal([&](core::TerminalEngine& t) { return t.createShare(group, "bench", {}); });
    network.run();
    const auto add_start = Clock::now();
    for (std::size_t i = 0; i < files; ++i) {
        const auto location = "c:/d" + std::to_string(i / 100) + "/f" + std::to_string(i) + ".txt";
        terminal->withTerminal([&](core::TerminalEngine& t) { t.addResource(share, "f" + std::to_string(i), location); });
    }
    network.run();
    const double add_seconds = seconds(add_start);

    const double find_seconds = timeFind(root);
    const auto check_start = Clock::now();
    const auto report = terminal->withTerminal([&](core::TerminalEngine& t) { return t.checkResources(share); });
    const double check_seconds = seconds(check_start);
    if (report.checked != static_cast<std::int64_t>(files) || report.unchanged != report.checked)
        throw std::runtime_error("unexpected check result: " + report.summary());

    std::printf("files: %zu (addResource of all: %.2f s)\n", files, add_seconds);
    std::printf("%-34s %10s %14s\n", "", "seconds", "files/second");
    std::printf("%-34s %10.3f %14.0f\n", "find -printf size,mtime (peer)", find_seconds, files / find_seconds);
    std::printf("%-34s %10.3f %14.0f\n", "relaysync CheckResource", check_seconds, files / check_seconds);
    std::printf("ratio relaysync/find: %.1fx the time\n", check_seconds / find_seconds);
    terminal->stop();
    relay->stop();
    terminal.reset();
    relay.reset();
    std::filesystem::remove_all(dir);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "relaysync-bench-check: " << e.what() << "\n";
    return 1;
}
