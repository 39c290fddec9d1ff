// The four-site example as real processes, synchronized with nothing changed, over the direct
// transport (TLS peer to peer) and over SIP (relays only through a Kamailio, TLS; terminals
// registered at their relays), in the same run, side by side: wall time of the synchronize as
// client11 sees it, and the protocol messages every node sent for it and their bytes (the nodes'
// admin status "traffic" counters: encoded protocol messages, without the transport's framing —
// SIP headers or TLS records — which a packet capture would show).
//
//   relaysync-bench-sip-sync [--runs N] [--resources N] [--transports direct|both] [--data DIR]
//
// --resources N adds N more files of client11 to workspace1 as N resources (add-children of
// c:/bulk) before measuring: a no-change synchronize of a share of N + 6 resources (issue 11
// asks for 10,000), whose messages must not grow with N.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cluster/cluster.h"
#include "cluster/data_folder.h"
#include "cluster/four_site.h"
#include "cluster/profile_writer.h"
#include "cluster/sip_site.h"
#include "cluster/wait.h"
#include "common/four_site_world.h"

namespace fs = std::filesystem;
using namespace relaysync::cluster;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct Cost {
    std::vector<double> seconds;  // one per run
    std::int64_t messages = 0;    // per synchronize (every run sends the same)
    std::int64_t bytes = 0;
};

struct Traffic {
    std::int64_t sent = 0, received = 0, sent_bytes = 0;
};

// Messages sent and received, and bytes sent, summed over every node and message type.
Traffic traffic(Cluster& cluster) {
    Traffic total;
    for (const auto& account : cluster.accounts()) {
        const auto counts = cluster.ask(account, "status")->getObject("traffic");
        for (const auto& [type, value] : *counts) {
            const auto each = counts->getObject(type);
            total.sent += each->getValue<std::int64_t>("sent");
            total.received += each->getValue<std::int64_t>("received");
            total.sent_bytes += each->getValue<std::int64_t>("sent_bytes");
        }
    }
    return total;
}

// Every message sent has been received, and stays so: nothing is under way.
Traffic settledSent(Cluster& cluster) {
    Traffic settled{-1, -1, -1};
    waitUntil("every message sent is received", 60s, [&]() -> std::string {
        const auto now = traffic(cluster);
        if (now.sent != now.received) return std::to_string(now.sent - now.received) + " messages under way";
        if (now.sent != settled.sent) {
            settled = now;  // once more, to be sure nothing follows
            return "settling";
        }
        return {};
    }, 200ms);
    return settled;
}

// One four-site cluster in `dir`, groups formed and both shares made.
class World {
public:
    World(const fs::path& dir, TransportChoice transport, int resources) {
        const auto tools = ClusterTools::fromBuildTree();
        relaysync::bench::FourSiteOptions options;
        if (transport == TransportChoice::sip) {
            sip_ = std::make_unique<SipSite>(tools, dir / "sip");
            options.adjust_profiles = [this](std::vector<ProfileSpec>& specs) { sip_->apply(specs); };
            options.extra_certificates = sip_->certificateRequests();
            options.before_start = [this](Cluster& cluster) { sip_->start(cluster.certsDir()); };
        }
        world_ = std::make_unique<relaysync::bench::FourSiteWorld>(dir, tools, options);
        cluster_ = &world_->cluster();
        scenario_ = &world_->scenario();
        if (resources > 0) addBulk(resources);
    }
    ~World() {
        world_.reset();  // the nodes, then Kamailio
        sip_.reset();
    }

    Cost measure(int runs) {
        Cost cost;
        const auto share = scenario_->ids().workspace1;
        for (int run = 0; run < runs; ++run) {
            const auto before = settledSent(*cluster_);
            const auto started = Clock::now();
            const auto sync_id = cluster_->startSync(four_site::C11, share);
            waitUntil("the synchronize finished", 60s, [&] {
                return cluster_->syncState(four_site::C11, sync_id).finished ? std::string() : "not yet";
            }, 2ms);
            cost.seconds.push_back(std::chrono::duration<double>(Clock::now() - started).count());
            const auto report = cluster_->syncState(four_site::C11, sync_id).report;
            if (report.changed || report.gone || report.unreachable || !report.problems.empty())
                throw std::runtime_error("the synchronize found something: " + report.text);
            const auto after = settledSent(*cluster_);
            cost.messages = after.sent - before.sent;
            cost.bytes = after.sent_bytes - before.sent_bytes;
        }
        return cost;
    }

private:
    // N small files in client11's c:/bulk, each shared as its own resource, stored everywhere.
    void addBulk(int count) {
        const auto folder = cluster_->entityPath(four_site::C11, "c:/bulk");
        fs::create_directories(folder);
        for (int i = 0; i < count; ++i) std::ofstream(folder / ("f" + std::to_string(i) + ".txt")) << i << "\n";
        const auto added = cluster_->adminCli(four_site::C11, {"add-children", scenario_->ids().workspace1, "c:/bulk"});
        if (added.exit_code != 0) throw std::runtime_error("add-children: " + added.err);
        settledSent(*cluster_);  // every record delivered before the clock starts
    }

    std::unique_ptr<SipSite> sip_;
    std::unique_ptr<relaysync::bench::FourSiteWorld> world_;
    Cluster* cluster_ = nullptr;
    four_site::Scenario* scenario_ = nullptr;
};

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const auto n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) try {
    int runs = 5;
    int resources = 0;
    bool with_sip = true;
    fs::path data = "build-bench/sip-sync";
    for (int i = 1; i < argc; ++i) {
        const std::string option = argv[i];
        if (i + 1 >= argc) throw std::invalid_argument(option + " needs a value");
        if (option == "--runs") runs = std::max(1, std::stoi(argv[++i]));
        else if (option == "--data") data = argv[++i];
        else if (option == "--resources") resources = std::max(0, std::stoi(argv[++i]));
        else if (option == "--transports") {
            const std::string which = argv[++i];
            if (which != "direct" && which != "both") throw std::invalid_argument("--transports is direct or both");
            with_sip = which == "both";
        }
        else throw std::invalid_argument("unknown option " + option);
    }
    interruptOnSignals();
    const auto dir = prepareDataFolder(data, "relaysync-bench-sip-sync");
    Cost direct, sip;
    {
        World world(dir / "direct", TransportChoice::direct, resources);
        direct = world.measure(runs);
    }
    if (with_sip) {
        World world(dir / "sip", TransportChoice::sip, resources);
        sip = world.measure(runs);
    }
    std::printf("no-change synchronize of workspace1 from client11 (%d entries, 5 members at 3 sites; 4 relays, 8 "
                "terminals as processes), %d runs each\n",
                resources + 6, runs);
    std::printf("%-46s %12s %12s %9s %9s\n", "", "median s", "fastest s", "messages", "bytes");
    std::printf("%-46s %12.4f %12.4f %9lld %9lld\n", "direct (TLS peer to peer)", median(direct.seconds),
                *std::min_element(direct.seconds.begin(), direct.seconds.end()), static_cast<long long>(direct.messages),
                static_cast<long long>(direct.bytes));
    if (!with_sip) return 0;
    std::printf("%-46s %12.4f %12.4f %9lld %9lld\n", "sip (relays through Kamailio, TLS)", median(sip.seconds),
                *std::min_element(sip.seconds.begin(), sip.seconds.end()), static_cast<long long>(sip.messages),
                static_cast<long long>(sip.bytes));
    std::printf("ratio sip/direct: %.2f of the time (median), %.2f of the messages, %.2f of the bytes (protocol "
                "messages as encoded, without SIP or TLS framing)\n",
                median(sip.seconds) / median(direct.seconds),
                direct.messages ? double(sip.messages) / double(direct.messages) : 0.0,
                direct.bytes ? double(sip.bytes) / double(direct.bytes) : 0.0);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "relaysync-bench-sip-sync: " << e.what() << "\n";
    return 1;
}
