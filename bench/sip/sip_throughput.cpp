// SIP MESSAGE throughput through Kamailio (issue 9): relaysync's sip transport (relay -> Kamailio
// -> relay) side by side with sipp (sipp -> Kamailio -> sipp), measured in the same run against
// the same Kamailio with our configuration (config/kamailio), restarted fresh for each
// measurement. Both sides authenticate with digest, reuse the server's challenge, and keep
// `--threads` MESSAGEs outstanding, each sender waiting for its 200 before the next.
//
//   relaysync-bench-sip [--messages N] [--threads T] [--payloads 200,4096] [--rounds R] [--shm-mb MB]
//                       [--timeout S] [--only sipp|relaysync]
//
// Each side is measured --rounds times (default 3), alternating; the row shows the median round.
//
// Kamailio gets --shm-mb of shared memory (default 1536: ~128 MB per 1,000 messages/s; each
// transaction is kept ~5 s after its answer) and pike's limit raised (every request comes from
// 127.0.0.1), through scripts/kamailio.sh's KAMAILIO_SHM_MB and KAMAILIO_PIKE_DENSITY.
#include <sys/resource.h>

#include <boost/dll/shared_library.hpp>

#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"
#include "kamailio_server.h"
#include "relaysync/sdk/plugin.h"
#include "sipp_peer.h"

using namespace relaysync;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kDomain = "net";
const std::string kRelay1 = "relay-server1@" + kDomain;
const std::string kRelay2 = "relay-server2@" + kDomain;
const std::map<std::string, std::string> kAccounts = {
    {kRelay1, "bench-pw-1"}, {kRelay2, "bench-pw-2"}, {"sipp-sender@" + kDomain, "bench-pw-s"},
    {"sipp-receiver@" + kDomain, "bench-pw-r"}};

struct Options {
    std::size_t messages = 20'000;
    std::size_t threads = 8;
    std::vector<std::size_t> payloads{200, 4096};
    unsigned shm_mb = 1536;
    std::chrono::seconds timeout{120};
    std::size_t rounds = 3;  // each side measured this often, alternating; the median is shown
    bool sipp = true, relaysync = true;  // --only sipp|relaysync: one side (to profile it)
};

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string option = argv[i];
        if (i + 1 >= argc) throw std::invalid_argument("missing a value after " + option);
        const std::string value = argv[++i];
        if (option == "--messages") options.messages = std::stoul(value);
        else if (option == "--threads") options.threads = std::stoul(value);
        else if (option == "--rounds") options.rounds = std::stoul(value);
        else if (option == "--shm-mb") options.shm_mb = static_cast<unsigned>(std::stoul(value));
        else if (option == "--timeout") options.timeout = std::chrono::seconds(std::stoul(value));
        else if (option == "--only") {
            if (value != "sipp" && value != "relaysync") throw std::invalid_argument("--only takes sipp or relaysync");
            options.sipp = value == "sipp";
            options.relaysync = value == "relaysync";
        } else if (option == "--payloads") {
            options.payloads.clear();
            std::stringstream list(value);
            for (std::string item; std::getline(list, item, ',');) options.payloads.push_back(std::stoul(item));
        } else throw std::invalid_argument("unknown option " + option);
    }
    if (options.threads == 0 || options.messages < options.threads || options.payloads.empty() || options.rounds == 0)
        throw std::invalid_argument("need --threads >= 1, --messages >= --threads, --rounds >= 1 and a payload size");
    options.messages -= options.messages % options.threads;  // an equal share per sender
    return options;
}

// A JSON line of `size` bytes (one line without '[' so that it goes into a sipp scenario as is).
std::string payloadOf(std::size_t size) {
    std::string text = "{\"type\":\"bench\",\"pad\":\"";
    const std::string end = "\"}";
    while (text.size() + end.size() < size) text += static_cast<char>('a' + text.size() % 26);
    return text + end;
}

// This process's CPU seconds and context switches so far, its ended threads' included.
std::pair<double, long> usageSelf() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return {s(usage.ru_utime) + s(usage.ru_stime), usage.ru_nvcsw + usage.ru_nivcsw};
}

// Kamailio's process group is ended too if the benchmark is interrupted (Ctrl-C).
void startServer(tests::KamailioServer& server) {
    server.start();
    bench::endOnSignal(bench::kamailioGroup(server.port()));
}

void stopServer(tests::KamailioServer& server) {
    const pid_t group = bench::kamailioGroup(server.port());
    server.stop();
    bench::forgetOnSignal(group);
}

// ---- relaysync's side: the sip plugin loaded from its .so, as the host loads it -------------

std::filesystem::path pluginPath() {
    if (const char* dir = std::getenv("RELAYSYNC_PLUGIN_DIR"); dir && *dir)
        return std::filesystem::path(dir) / "relaysync-transport-sip.so";
    return RELAYSYNC_TRANSPORT_SIP_SO;
}

const sdk::PluginDescriptor& descriptor() {
    static boost::dll::shared_library library(pluginPath());
    static const sdk::PluginDescriptor* found = library.get<sdk::PluginEntryPoint>(RELAYSYNC_PLUGIN_ENTRY_POINT)();
    return *found;
}

struct TransportDeleter {
    void operator()(sdk::Transport* transport) const noexcept { descriptor().destroy(static_cast<void*>(transport)); }
};
using TransportPtr = std::unique_ptr<sdk::Transport, TransportDeleter>;

class CountingListener final : public sdk::TransportListener {
public:
    sdk::Status onMessage(const sdk::PeerIdentity&, const std::string&) override {
        ++count_;
        return sdk::Status::ok();
    }
    std::size_t count() const { return count_.load(); }

private:
    std::atomic<std::size_t> count_{0};
};

struct Result {
    std::size_t messages = 0;
    double seconds = 0;
    double kamailio_cpu = 0;
    double client_cpu = 0;
    long client_switches = 0;
    double rate() const { return static_cast<double>(messages) / seconds; }
};

TransportPtr startRelay(const tests::KamailioServer& server, const std::string& account, CountingListener& listener) {
    const sdk::PluginConfig config{{"server", server.address()},
                                   {"password", kAccounts.at(account)},
                                   {"relay_accounts", kRelay1 + "," + kRelay2}};
    std::string error;
    TransportPtr transport(static_cast<sdk::Transport*>(descriptor().create(config, &error)));
    if (!transport) throw std::runtime_error("the sip plugin refused the settings: " + error);
    const auto started = transport->start(account, listener);
    if (!started.isOk()) throw std::runtime_error(account + " did not start: " + started.toString());
    return transport;
}

Result runRelaysync(const tests::KamailioServer& server, const Options& options, const std::string& payload) {
    CountingListener sender_listener, receiver_listener;
    auto receiver = startRelay(server, kRelay2, receiver_listener);
    auto sender = startRelay(server, kRelay1, sender_listener);
    // The first MESSAGE takes the server's 407 challenge, which later ones reuse (sipp: one per call).
    if (const auto first = sender->send(kRelay2, payload); !first.isOk())
        throw std::runtime_error("the first MESSAGE failed: " + first.toString());

    const pid_t kamailio = bench::kamailioGroup(server.port());
    const double kamailio_before = bench::groupCpuSeconds(kamailio);
    const auto usage_before = usageSelf();
    const std::size_t delivered_before = receiver_listener.count();
    std::atomic<std::size_t> failed{0};
    std::mutex first_error_mutex;
    std::string first_error;
    const std::size_t per_thread = options.messages / options.threads;
    const auto start = Clock::now();
    {
        std::vector<std::jthread> senders;
        for (std::size_t t = 0; t < options.threads; ++t)
            senders.emplace_back([&] {
                for (std::size_t i = 0; i < per_thread; ++i) {
                    const auto sent = sender->send(kRelay2, payload);
                    if (sent.isOk()) continue;
                    if (failed++ == 0) {
                        std::lock_guard lock(first_error_mutex);
                        first_error = sent.toString();
                    }
                }
            });
    }
    Result result;
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    // The two relays' threads and the senders (the relays stop below, after this).
    const auto usage_after = usageSelf();
    result.client_cpu = usage_after.first - usage_before.first;
    result.client_switches = usage_after.second - usage_before.second;
    result.kamailio_cpu = bench::groupCpuSeconds(kamailio) - kamailio_before;
    result.messages = receiver_listener.count() - delivered_before;
    sender.reset();
    receiver.reset();
    if (failed > 0)
        throw std::runtime_error(std::to_string(failed.load()) + " of " + std::to_string(options.messages) +
                                 " sends failed, the first: " + first_error);
    if (result.messages < options.messages)
        throw std::runtime_error("only " + std::to_string(result.messages) + " of " + std::to_string(options.messages) +
                                 " messages reached the receiver's listener");
    return result;
}

Result runSipp(const tests::KamailioServer& server, const Options& options, const std::string& payload,
               const std::string& dir) {
    const bench::SippAccounts accounts{"sipp-sender", kAccounts.at("sipp-sender@" + kDomain), "sipp-receiver",
                                       kAccounts.at("sipp-receiver@" + kDomain), kDomain};
    const pid_t kamailio = bench::kamailioGroup(server.port());
    const double kamailio_before = bench::groupCpuSeconds(kamailio);
    const auto sipp = bench::runSipp(dir, server.port(), accounts, payload, options.messages, options.threads,
                                     options.timeout);
    Result result;
    result.kamailio_cpu = bench::groupCpuSeconds(kamailio) - kamailio_before;
    result.messages = sipp.messages;
    result.seconds = sipp.seconds;
    result.client_cpu = sipp.client_cpu_seconds;
    result.client_switches = sipp.client_switches;
    return result;
}

// The round with the median rate.
Result median(std::vector<Result> rounds) {
    std::sort(rounds.begin(), rounds.end(), [](const Result& a, const Result& b) { return a.rate() < b.rate(); });
    return rounds[rounds.size() / 2];
}

// The median round, and every round's rate when there were several.
void printRow(const std::string& payload, const std::string& name, const std::vector<Result>& rounds) {
    const Result r = median(rounds);
    std::printf("%-9s %-32s %9zu %8.2f %11.0f %10.2f %11.2f %13.1f", payload.c_str(), name.c_str(), r.messages,
                r.seconds, r.rate(), r.kamailio_cpu, r.client_cpu,
                static_cast<double>(r.client_switches) / static_cast<double>(r.messages));
    if (rounds.size() > 1) {
        std::printf("   (rounds:");
        for (const auto& round : rounds) std::printf(" %.0f", round.rate());
        std::printf(")");
    }
    std::printf("\n");
}

}  // namespace

std::string g_dir;  // logs of the sipp runs; kept when the benchmark fails

int main(int argc, char** argv) try {
    const Options options = parse(argc, argv);
    bench::installSignalCleanup();
    if (options.sipp && std::system("command -v sipp > /dev/null") != 0)
        throw std::runtime_error("sipp is not installed (Debian sip-tester): run scripts/setup.sh, or --only relaysync");
    // Quiet: the plugin logs only what goes wrong.
    Poco::Logger::get("relaysync.transport.sip").setLevel(Poco::Message::PRIO_WARNING);
    ::setenv("KAMAILIO_SHM_MB", std::to_string(options.shm_mb).c_str(), 1);
    ::setenv("KAMAILIO_PIKE_DENSITY", "100000000", 1);  // every request comes from 127.0.0.1
    const std::string dir = g_dir =
        (std::filesystem::temp_directory_path() / ("relaysync-bench-sip-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(dir);

    tests::KamailioServer server(kAccounts);  // stopped by its pid in its destructor, on every path
    std::printf("SIP MESSAGE throughput through Kamailio (config/kamailio, TCP, 127.0.0.1, -m %u), "
                "%zu messages per run, %zu outstanding (senders waiting for their 200), median of %zu rounds\n",
                options.shm_mb, options.messages, options.threads, options.rounds);
    std::printf("%-9s %-32s %9s %8s %11s %10s %11s %13s\n", "payload", "", "messages", "seconds", "messages/s",
                "Kamailio", "client", "client");
    std::printf("%-9s %-32s %9s %8s %11s %10s %11s %13s\n", "", "", "", "", "", "CPU s", "CPU s", "switches/msg");
    std::vector<std::pair<std::size_t, double>> ratios;
    for (const std::size_t size : options.payloads) {
        const std::string payload = payloadOf(size);
        const std::string label = std::to_string(size) + " B";
        // Rounds alternate the two sides, so that load from elsewhere on the machine hits both.
        std::vector<Result> sipp, relay;
        for (std::size_t round = 0; round < options.rounds; ++round) {
            if (options.sipp) {
                startServer(server);
                sipp.push_back(runSipp(server, options, payload, dir + "/sipp-" + std::to_string(size)));
                stopServer(server);
            }
            if (options.relaysync) {
                startServer(server);
                relay.push_back(runRelaysync(server, options, payload));
                stopServer(server);
            }
        }
        if (options.sipp) printRow(label, "sipp -> Kamailio -> sipp (peer)", sipp);
        if (options.relaysync) printRow(label, "relaysync sip transport", relay);
        std::fflush(stdout);
        if (options.sipp && options.relaysync) ratios.emplace_back(size, median(relay).rate() / median(sipp).rate());
    }
    for (const auto& [size, ratio] : ratios)
        std::printf("ratio relaysync/sipp, %zu B: %.2f (medians; target at least 0.5%s)\n", size, ratio,
                    ratio >= 0.5 ? "" : ": BELOW");
    std::filesystem::remove_all(dir);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "relaysync-bench-sip: " << e.what() << "\n";
    if (!g_dir.empty()) std::cerr << "(sipp's scenarios and logs are in " << g_dir << ")\n";
    return 1;
}
