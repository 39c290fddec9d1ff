// Remote access throughput (issue 13): client21 fetches a file of client31 through two relays
// (client21 -> R2 -> R3 -> client31 and back) on the four-site example as real processes over
// the direct transport (TLS) on loopback, with `relaysync-admin fetch` as a user runs it. The
// peer, in the same run: one plain TLS copy of the same file, `openssl s_server -WWW` to
// `openssl s_client` (one hop, no relays). Printed: both times, the ratio of the throughputs,
// and the relays' peak memory (VmHWM from /proc) against the bound the window sets (4 chunks of
// 1 MiB in flight per transfer), which does not grow with the file.
//
//   relaysync-bench-fetch [--megabytes N] [--data DIR]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ports/loopback_ports.h"
#include "cluster/cluster.h"
#include "cluster/four_site.h"
#include "cluster/profile_writer.h"
#include "cluster/wait.h"

namespace fs = std::filesystem;
using namespace relaysync::cluster;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// A line of /proc/<pid>/status in KiB ("VmHWM", "VmRSS").
long statusKib(pid_t pid, const std::string& field) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    return -1;
}

void writeRandomFile(const fs::path& path, std::size_t megabytes) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    std::mt19937_64 random(13);
    std::vector<std::uint64_t> block(1024 * 1024 / sizeof(std::uint64_t));
    for (std::size_t i = 0; i < megabytes; ++i) {
        for (auto& word : block) word = random();
        out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(block.size() * 8));
    }
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

bool sameBytes(const fs::path& a, const fs::path& b, std::size_t skip_b = 0) {
    std::ifstream in_a(a, std::ios::binary), in_b(b, std::ios::binary);
    in_b.seekg(static_cast<std::streamoff>(skip_b));
    std::vector<char> x(1 << 20), y(1 << 20);
    for (;;) {
        in_a.read(x.data(), static_cast<std::streamsize>(x.size()));
        in_b.read(y.data(), static_cast<std::streamsize>(y.size()));
        if (in_a.gcount() != in_b.gcount()) return false;
        if (in_a.gcount() == 0) return true;
        if (!std::equal(x.begin(), x.begin() + in_a.gcount(), y.begin())) return false;
    }
}

// Starts `argv` with stdin from `in` (or /dev/null) and stdout to `out`, in `dir`.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& dir, const fs::path& in, const fs::path& out) {
    // Whatever waits in this process's buffers must not be written again by the child.
    std::cout.flush();
    std::fflush(stdout);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        if (::chdir(dir.c_str()) != 0) ::_exit(126);
        if (!std::freopen(in.empty() ? "/dev/null" : in.c_str(), "r", stdin)) ::_exit(126);
        if (!std::freopen(out.c_str(), "w", stdout)) ::_exit(126);
        if (!std::freopen("/dev/null", "w", stderr)) ::_exit(126);
        std::vector<char*> args;
        for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    return pid;
}

int waitFor(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// One plain TLS copy of `file` from R3's certificate to client21's, over loopback: seconds.
double opensslCopy(const fs::path& file, const fs::path& certs, const fs::path& work) {
    const auto port = std::to_string(relaysync::ports::reserveLoopbackPort());
    const auto cert = [&](const std::string& account, const char* ext) { return (certs / (account + ext)).string(); };
    const pid_t server = spawn({"openssl", "s_server", "-accept", "127.0.0.1:" + port, "-cert",
                                cert(four_site::R3, ".pem"), "-key", cert(four_site::R3, ".key"), "-CAfile",
                                (certs / "ca.pem").string(), "-Verify", "1", "-naccept", "1", "-WWW", "-quiet"},
                               file.parent_path(), {}, work / "s_server.out");
    // Connected as soon as it listens: s_client is retried until the port answers.
    const auto request = work / "request.txt";
    std::ofstream(request) << "GET /" << file.filename().string() << " HTTP/1.0\r\n\r\n";
    const auto received = work / "received.bin";
    double seconds = 0;
    waitUntil("openssl s_server serves the file", 10s, [&]() -> std::string {
        const auto start = Clock::now();
        const pid_t client = spawn({"openssl", "s_client", "-connect", "127.0.0.1:" + port, "-cert",
                                    cert(four_site::C21, ".pem"), "-key", cert(four_site::C21, ".key"), "-CAfile",
                                    (certs / "ca.pem").string(), "-verify_return_error", "-quiet", "-ign_eof"},
                                   work, request, received);
        const int code = waitFor(client);
        seconds = secondsSince(start);
        if (code != 0 || fs::file_size(received) < fs::file_size(file)) return "s_client exited " + std::to_string(code);
        return {};
    }, 50ms);
    ::kill(server, SIGTERM);
    waitFor(server);
    // The body follows the HTTP header s_server writes.
    const auto body_at = fs::file_size(received) - fs::file_size(file);
    if (!sameBytes(file, received, body_at)) throw std::runtime_error("openssl's copy differs from the file");
    fs::remove(received);
    return seconds;
}

}  // namespace

int main(int argc, char** argv) try {
    std::size_t megabytes = 1024;
    fs::path data = fs::temp_directory_path() / "relaysync-bench-fetch";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--megabytes") megabytes = std::stoul(argv[i + 1]);
        else if (option == "--data") data = argv[i + 1];
        else throw std::invalid_argument("unknown option " + option);
    }
    fs::remove_all(data);
    const auto relay_ports = relaysync::ports::reserveLoopbackPorts(4);
    for (const auto& spec : fourSiteProfiles({relay_ports[0], relay_ports[1], relay_ports[2], relay_ports[3]})) writeProfile(data / "profiles", spec);
    Cluster::Bounds bounds;
    bounds.admin_cli = std::chrono::hours(1);
    Cluster cluster(ClusterTools::fromBuildTree(), data / "data", data / "data" / "certs", bounds);
    cluster.addNodes(data / "profiles");
    cluster.makeCertificates(cluster.certificateRequests());
    four_site::Scenario scenario(cluster);
    scenario.createEntities();
    cluster.startAll();
    scenario.formGroups();
    scenario.admitTerminals();
    scenario.shareResources();

    const auto source = cluster.entityPath(four_site::C31, "c:/docs/file100.pdf");
    writeRandomFile(source, megabytes);
    const auto bytes = static_cast<double>(fs::file_size(source));
    const auto work = data / "work";
    fs::create_directories(work);
    const auto dest = work / "fetched.bin";
    std::cout << "file: " << megabytes << " MiB at client31 (" << source.string() << ")\n";

    const auto r2 = cluster.pid(four_site::R2), r3 = cluster.pid(four_site::R3);
    const long r2_before = statusKib(r2, "VmHWM"), r3_before = statusKib(r3, "VmHWM");

    const double plain = opensslCopy(source, cluster.certsDir(), work);

    const auto start = Clock::now();
    const auto fetched = cluster.adminCli(four_site::C21, {"--json", "fetch", "workspace1", "file100.pdf", dest.string()});
    const double relayed = secondsSince(start);
    if (fetched.exit_code != 0) throw std::runtime_error("fetch failed: " + fetched.err);
    if (!sameBytes(source, dest)) throw std::runtime_error("the fetched file differs from the source");
    const long r2_peak = statusKib(r2, "VmHWM"), r3_peak = statusKib(r3, "VmHWM");

    const auto rate = [&](double seconds) { return bytes / seconds / (1024 * 1024); };
    std::cout << std::fixed << std::setprecision(3);
    std::cout << "relaysync fetch, client21 <- R2 <- R3 <- client31 (direct, TLS): " << relayed << " s, "
              << std::setprecision(1) << rate(relayed) << " MiB/s\n";
    std::cout << std::setprecision(3) << "openssl s_server -WWW -> s_client, one TLS hop:                " << plain
              << " s, " << std::setprecision(1) << rate(plain) << " MiB/s\n";
    std::cout << std::setprecision(2) << "ratio (relaysync throughput / openssl): " << plain / relayed
              << " (target: at least 0.3)\n";
    std::cout << "peak RSS (VmHWM) R2: " << r2_before / 1024 << " MiB before, " << r2_peak / 1024
              << " MiB after; R3: " << r3_before / 1024 << " MiB before, " << r3_peak / 1024
              << " MiB after (window: 4 chunks of 1 MiB per transfer)\n";
    fs::remove(dest);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "relaysync-bench-fetch: " << e.what() << "\n";
    return 1;
}
