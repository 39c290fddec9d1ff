// Status at scale (issue 11): a relay holding N entries (default 1,000,000) in one share, run as
// a real process, asked for status pages through relaysync-admin; side by side with the
// sqlite3 command-line shell running the same keyset page query on the same database file.
//
// The peer is the floor: the same SQL on the same file, in a fresh process that prints JSON,
// without relaysync's admin channel, JSON types and text tables. A ratio near 1 says status
// costs what reading the page from SQLite costs.
//
//   relaysync-bench-status [--entries N] [--limit N] [--rounds N] [--data DIR]
//
// Prints: the time to fill the database (setup, not measured against anything), per page (the
// first, one in the middle, the last) the median wall time of relaysync-admin and of sqlite3,
// the relay's resident memory (VmRSS) after starting and after the pages, and that per entry.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/utsname.h>
#include <thread>
#include <vector>

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include "assembly/status_page.h"
#include "cluster/child_process.h"
#include "cluster/cluster.h"
#include "persistence/database.h"
#include "ports/loopback_ports.h"

namespace fs = std::filesystem;
using namespace relaysync;
using namespace Poco::Data::Keywords;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kRelay = "relay-server1@net", kOwner = "client11@relay-server1.net", kShare = "s-bench";

struct Options {
    long entries = 1'000'000;
    int limit = 1000;
    int rounds = 5;
    fs::path data = fs::temp_directory_path() / "relaysync-bench-status";
};

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--entries") options.entries = std::stol(value());
        else if (arg == "--limit") options.limit = std::stoi(value());
        else if (arg == "--rounds") options.rounds = std::stoi(value());
        else if (arg == "--data") options.data = value();
        else throw std::runtime_error("usage: relaysync-bench-status [--entries N] [--limit N] [--rounds N] [--data DIR]");
    }
    if (options.entries < 2 || options.limit < 1 || options.rounds < 1) throw std::runtime_error("counts must be positive");
    return options;
}

std::string entryName(long i) {
    char name[32];
    std::snprintf(name, sizeof name, "file%09ld.dat", i);
    return name;
}

// The relay's database, schema made by relaysync itself, then one share of `entries` entries
// in one transaction, written in a scrambled order (as a share built over time is), so that a
// page's rows are not next to each other in the file.
void fill(const fs::path& file, long entries) {
    core::Database database("sqlite:" + file.string());
    auto& session = database.session();
    core::Transaction transaction(database);
    session << "INSERT INTO shares (share_id, group_id, name, creator, version, removed) VALUES (?, '0001@relay-server1', "
               "'bench', ?, 1, 0)", bind(kShare), bind(kOwner), now;
    session << "INSERT INTO share_members (share_id, account) VALUES (?, ?)", bind(kShare), bind(kOwner), now;
    Poco::Int64 count = entries, stride = entries % 7919 == 0 ? 7907 : 7919;
    session << "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)"
               " INSERT INTO resource_entries (share_id, name, owner, location, status, kind, modified_ms, size, hash,"
               " version, removed, stored_ms)"
               " SELECT ?, printf('file%09d.dat', (i * ?) % ?), ?, printf('c:/data/file%09d.dat', (i * ?) % ?), 'ok',"
               " 'file', 1191250832000 + i, i * 7, '', 1, 0, 0 FROM n",
        use(count), bind(kShare), use(stride), use(count), bind(kOwner), use(stride), use(count), now;
    transaction.commit();
}

long rssKiB(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

std::string readText(const fs::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// Runs a program to its end; its wall time in seconds. Throws when it fails.
double timed(const fs::path& program, const std::vector<std::string>& arguments, const fs::path& out,
             std::size_t* output_bytes = nullptr) {
    cluster::LaunchSpec spec{program, arguments, {"PATH=/usr/bin:/bin"}, out, out.string() + ".err"};
    std::error_code ignored;
    fs::remove(out, ignored);
    const auto start = Clock::now();
    cluster::ChildProcess child(spec);
    if (!child.waitExit(std::chrono::minutes(5)) || child.exitCode() != 0)
        throw std::runtime_error(program.filename().string() + " failed: " + readText(spec.error_output));
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (output_bytes) *output_bytes = fs::file_size(out);
    return seconds;
}

// The page query status runs (persistence/status_queries.cpp), for sqlite3.
std::string peerQuery(const std::string& after, int limit) {
    return "SELECT e.name, e.owner, e.location, e.status, e.kind, e.modified_ms, e.size, e.hash, e.version"
           " FROM resource_entries e WHERE e.share_id = '" + kShare + "'" +
           (after.empty() ? std::string() : " AND e.name > '" + after + "'") +
           " AND e.removed = 0"
           " AND NOT EXISTS (SELECT 1 FROM shares s WHERE s.share_id = e.share_id AND NOT EXISTS"
           "  (SELECT 1 FROM share_members m WHERE m.share_id = s.share_id AND m.account = e.owner))"
           " AND NOT EXISTS (SELECT 1 FROM resource_entries o WHERE o.share_id = e.share_id AND o.name = e.name"
           "  AND o.owner < e.owner AND o.removed = 0 AND NOT EXISTS (SELECT 1 FROM shares s WHERE s.share_id = o.share_id"
           "  AND NOT EXISTS (SELECT 1 FROM share_members m WHERE m.share_id = s.share_id AND m.account = o.owner)))"
           " ORDER BY e.name LIMIT " + std::to_string(limit);
}

std::string machine() {
    utsname name{};
    uname(&name);
    std::string cpu;
    std::ifstream info("/proc/cpuinfo");
    for (std::string line; std::getline(info, line);)
        if (line.rfind("model name", 0) == 0) {
            cpu = line.substr(line.find(':') + 2);
            break;
        }
    return std::string(name.sysname) + " " + name.release + ", " + std::to_string(std::thread::hardware_concurrency()) +
           " cores, " + cpu;
}

int run(const Options& options) {
    std::error_code ignored;
    fs::remove_all(options.data, ignored);
    fs::create_directories(options.data);
    const auto database = options.data / "relay.db";

    std::cout << "status at scale: " << options.entries << " entries in one share, pages of " << options.limit
              << ", median of " << options.rounds << "\nmachine: " << machine() << "\n";
    auto start = Clock::now();
    fill(database, options.entries);
    std::cout << "setup: database filled in " << std::chrono::duration<double>(Clock::now() - start).count() << " s ("
              << fs::file_size(database) / (1024 * 1024) << " MiB)\n";

    cluster::Cluster relays(cluster::ClusterTools::fromBuildTree(), options.data, options.data / "certs");
    const auto profile = options.data / "relay1.yaml";
    std::ofstream(profile) << "relaysync: 1\nnode:\n  role: relay\n  account: " << kRelay
                           << "\n  display_name: \"Bench\"\ndatabase: sqlite:" << database.string()
                           << "\ntransport:\n  plugin: direct\n  config:\n    listen: 127.0.0.1:" << relaysync::ports::reserveLoopbackPort()
                           << "\n    certificate: ${RELAYSYNC_CERTS}/" << kRelay << ".pem\n    private_key: ${RELAYSYNC_CERTS}/"
                           << kRelay << ".key\n    ca: ${RELAYSYNC_CERTS}/ca.pem\n"
                              "log:\n  level: warning\n  file: " << (options.data / "relay1.log").string() << "\n";
    relays.addNode(profile);
    relays.makeCertificates(relays.certificateRequests());
    relays.start("relay1");
    const auto pid = relays.pid("relay1");
    const long rss_started = rssKiB(pid);
    const auto admin = relays.tools().bin_dir / "relaysync-admin";
    const auto socket = relays.node("relay1").admin_socket.string();

    // The first page, one from the middle of the share and the last: cursors made as a page
    // ending just before them would give them.
    struct Page {
        const char* what;
        long after;  // the index of the entry before the page; -1: from the first
    };
    const long middle = options.entries / 2, last = std::max(0L, options.entries - options.limit) - 1;
    const std::vector<Page> pages{{"first", -1}, {"middle", middle - 1}, {"last", last}};
    std::cout << "\npage     relaysync-admin  sqlite3 (same query)  ratio  reply bytes\n";
    for (const auto& page : pages) {
        const std::string after = page.after < 0 ? "" : entryName(page.after);
        std::vector<std::string> cli{"--socket", socket, "--json", "status", "--limit", std::to_string(options.limit)};
        if (!after.empty()) {
            cli.push_back("--after");
            cli.push_back(core::encodeCursor({kShare, after}));
        }
        const std::vector<std::string> peer{"-json", database.string(), peerQuery(after, options.limit)};
        std::vector<double> ours, theirs;
        std::size_t bytes = 0;
        for (int round = 0; round < options.rounds; ++round) {
            ours.push_back(timed(admin, cli, options.data / "page.json", &bytes));
            theirs.push_back(timed("/usr/bin/sqlite3", peer, options.data / "peer.json"));
        }
        const auto reply = readText(options.data / "page.json");
        if (reply.find("\"entries\": " + std::to_string(std::min<long>(options.limit, options.entries))) == std::string::npos &&
            reply.find("\"entries\" : " + std::to_string(std::min<long>(options.limit, options.entries))) == std::string::npos)
            std::cerr << "warning: the " << page.what << " page does not say it holds " << options.limit << " entries\n";
        std::printf("%-7s  %12.3f s  %17.3f s  %5.2fx  %zu\n", page.what, median(ours), median(theirs),
                    median(ours) / median(theirs), bytes);
    }

    // Counting the share's entries (status --count --limit 0): a pass over every record.
    std::vector<double> counts;
    for (int round = 0; round < std::min(options.rounds, 3); ++round)
        counts.push_back(timed(admin, {"--socket", socket, "status", "--count", "--limit", "0"}, options.data / "count.txt"));
    const long rss_after = rssKiB(pid);
    std::printf("\ncount    %12.3f s  (status --count --limit 0: every record of the share visited)\n", median(counts));
    std::printf("relay RSS: %ld KiB after start, %ld KiB after the pages: %.1f bytes per entry held (bound 300)\n",
                rss_started, rss_after, 1024.0 * static_cast<double>(std::max(rss_started, rss_after)) /
                                            static_cast<double>(options.entries));
    relays.stopAll();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const std::exception& e) {
        std::cerr << "relaysync-bench-status: " << e.what() << "\n";
        return 1;
    }
}
