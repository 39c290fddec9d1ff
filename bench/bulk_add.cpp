// Adding resources at scale, on the four-site example as real processes over TLS (the direct
// transport), measured as its users see it:
//   1. message hops: client11 adds resources one at a time; every addition travels client11 ->
//      R1 -> R2, R3 -> the other members. CPU of all twelve daemons (user + system, from /proc)
//      divided by the protocol messages they received (their admin status "traffic"): the CPU
//      one message hop costs, transport and TLS included.
//   2. bulk add: `add-children` of a folder holding N files at client11 into workspace1, timed
//      until every holder of the share (five members, three relays) has all N in its database
//      (read from the side, read-only, so that the waiting costs the daemons nothing).
// The peer is the same machine copying the folder's files (std::filesystem::copy), in the same run.
//
//   relaysync-bench-bulk-add [--entries N] [--single N] [--data DIR]
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cluster/wait.h"
#include "common/four_site_world.h"

namespace fs = std::filesystem;
using namespace relaysync::cluster;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// User + system CPU seconds of a process so far (/proc/<pid>/stat fields 14 and 15).
double processCpu(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i)
        if (i >= 14) ticks += std::stod(field);
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double clusterCpu(Cluster& cluster) {
    double total = 0;
    for (const auto& name : cluster.names()) total += processCpu(cluster.pid(name));
    return total;
}

std::int64_t messagesReceived(Cluster& cluster) {
    std::int64_t total = 0;
    for (const auto& account : cluster.accounts()) {
        const auto counts = cluster.ask(account, "status")->getObject("traffic");
        for (const auto& [type, value] : *counts) total += counts->getObject(type)->getValue<std::int64_t>("received");
    }
    return total;
}

// Live entries of a share in a node's database, read beside the running daemon (WAL readers
// do not block it).
std::int64_t storedEntries(const std::string& database_url, const std::string& share_id) {
    const auto file = database_url.substr(database_url.find(':') + 1);
    sqlite3* db = nullptr;
    std::int64_t count = -1;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 1000);
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM resource_entries WHERE share_id = ? AND removed = 0", -1,
                               &statement, nullptr) == SQLITE_OK) {
            sqlite3_bind_text(statement, 1, share_id.c_str(), -1, SQLITE_TRANSIENT);
            if (sqlite3_step(statement) == SQLITE_ROW) count = sqlite3_column_int64(statement, 0);
        }
        sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return count;
}

// Waits until every holder stores at least `expected` live entries of the share.
void awaitEverywhere(Cluster& cluster, const std::vector<std::string>& holders, const std::string& share,
                     std::int64_t expected, std::chrono::seconds bound) {
    waitUntil("every holder stores " + std::to_string(expected) + " entries", bound, [&]() -> std::string {
        for (const auto& holder : holders) {
            const auto count = storedEntries(cluster.node(holder).profile.database, share);
            if (count < expected) return four_site::label(holder) + " has " + std::to_string(count);
        }
        return {};
    }, 20ms);
}

}  // namespace

int main(int argc, char** argv) try {
    std::size_t entries = 100'000, single = 200;
    fs::path data = fs::temp_directory_path() / "relaysync-bench-bulk-add";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--entries") entries = std::stoul(argv[i + 1]);
        else if (option == "--single") single = std::stoul(argv[i + 1]);
        else if (option == "--data") data = argv[i + 1];
        else throw std::invalid_argument("unknown option " + option);
    }
    fs::remove_all(data);
    relaysync::bench::FourSiteWorld world(data);
    auto& cluster = world.cluster();
    auto& scenario = world.scenario();
    const auto share = scenario.ids().workspace1;
    const auto holders = scenario.holdersOf(share);
    const auto base = storedEntries(cluster.node(four_site::C11).profile.database, share);

    // The files, written before anything is timed.
    const auto hop_folder = cluster.entityPath(four_site::C11, "c:/bench-hops");
    const auto bulk_folder = cluster.entityPath(four_site::C11, "c:/bench-bulk");
    fs::create_directories(hop_folder);
    fs::create_directories(bulk_folder);
    const auto numbered = [](char letter, std::size_t i) {
        std::string name(1, letter);
        name += std::to_string(i);
        return name;
    };
    for (std::size_t i = 0; i < single; ++i) std::ofstream(hop_folder / numbered('h', i)) << i;
    for (std::size_t i = 0; i < entries; ++i) std::ofstream(bulk_folder / numbered('b', i)) << i;
    std::printf("four-site example as 12 processes over TLS; workspace1 held by %zu nodes\n", holders.size());

    // 1. Message hops.
    if (single > 0) {
        const auto received_before = messagesReceived(cluster);
        const auto cpu_before = clusterCpu(cluster);
        const auto origin_cpu_before = processCpu(cluster.pid(four_site::C11));
        const auto start = Clock::now();
        for (std::size_t i = 0; i < single; ++i) {
            const auto name = numbered('h', i);
            cluster.addResource(four_site::C11, share, name, "c:/bench-hops/" + name);
        }
        awaitEverywhere(cluster, holders, share, base + static_cast<std::int64_t>(single), 120s);
        const double wall = secondsSince(start);
        const double cpu = clusterCpu(cluster) - cpu_before;
        const auto hops = messagesReceived(cluster) - received_before;
        std::printf("message hops: %zu single additions, %.2f s, %lld messages received, %.1f CPU ms in all daemons\n",
                    single, wall, static_cast<long long>(hops), cpu * 1000);
        // client11 receives none of them: its CPU is the admin command that starts each addition
        // and the first send, which the second figure leaves out.
        const double origin_cpu = processCpu(cluster.pid(four_site::C11)) - origin_cpu_before;
        const auto per_hop = [&](double seconds) { return hops > 0 ? seconds * 1000 / static_cast<double>(hops) : 0.0; };
        std::printf("  CPU per message hop: %.3f ms (admin commands at client11 included)\n", per_hop(cpu));
        std::printf("  CPU per message hop at the nodes that receive them: %.3f ms (client11: %.3f ms per addition)\n",
                    per_hop(cpu - origin_cpu), single > 0 ? origin_cpu * 1000 / static_cast<double>(single) : 0.0);
    }

    // 2. Bulk add, against copying the same files.
    if (entries > 0) {
        const auto copy_start = Clock::now();
        fs::copy(bulk_folder, data / "bulk-copy", fs::copy_options::recursive);
        const double copy_seconds = secondsSince(copy_start);
        const auto expected = base + static_cast<std::int64_t>(single + entries);
        const auto cpu_before = clusterCpu(cluster);
        const auto start = Clock::now();
        Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
        args->set("share", share);
        args->set("folder", "c:/bench-bulk");
        cluster.ask(four_site::C11, "add-children", args);
        const double added = secondsSince(start);
        awaitEverywhere(cluster, holders, share, expected, 600s);
        const double wall = secondsSince(start);
        const double cpu = clusterCpu(cluster) - cpu_before;
        std::printf("bulk add: %zu entries by add-children at client11\n", entries);
        std::printf("  %-46s %9s %12s\n", "", "seconds", "entries/s");
        std::printf("  %-46s %9.2f %12.0f\n", "copying the files (peer)", copy_seconds, entries / copy_seconds);
        std::printf("  %-46s %9.2f %12.0f\n", "add-children answered at client11", added, entries / added);
        std::printf("  %-46s %9.2f %12.0f\n", "stored at every holder (8 nodes)", wall, entries / wall);
        std::printf("  CPU of all daemons: %.2f s; ratio relaysync/copy: %.1fx the time\n", cpu, wall / copy_seconds);
    }
    cluster.stopAll();
    fs::remove_all(data);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "relaysync-bench-bulk-add: " << e.what() << "\n";
    return 1;
}
