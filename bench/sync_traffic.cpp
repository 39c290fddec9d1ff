// What a targeted synchronize saves (patent Fig. 14): the four-site example over the in-process
// network, one share with many resources, then a whole-share synchronize and a targeted one
// naming two resources, side by side: messages, bytes and nodes contacted, and their ratio.
//
//   relaysync-bench-sync [--resources N]
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>

#include "scenario_steps.h"

using namespace relaysync;
using Clock = std::chrono::steady_clock;

namespace {

struct Cost {
    std::size_t messages = 0;
    std::size_t bytes = 0;
    std::size_t nodes = 0;
    double seconds = 0;
};

Cost measure(test::FourSites& sites, const std::string& share, const std::vector<std::string>& names) {
    sites.network().clearCarried();
    const auto start = Clock::now();
    const auto report = test::synchronize(sites, "client11", share, names);
    Cost cost;
    cost.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::set<std::string> nodes;
    for (const auto& delivery : sites.network().carried()) {
        ++cost.messages;
        cost.bytes += delivery.payload.size();
        nodes.insert(delivery.from);
        nodes.insert(delivery.to);
    }
    cost.nodes = nodes.size();
    if (!report.problems.empty()) throw std::runtime_error("synchronize reported: " + report.summary());
    return cost;
}

}  // namespace

int main(int argc, char** argv) try {
    std::size_t resources = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--resources") resources = std::stoul(argv[i + 1]);
        else throw std::invalid_argument("unknown option " + option);
    }
    test::FourSites sites;
    test::putEntities(sites);
    const auto shares = test::shareResources(sites, test::formGroups(sites));
    // Many more resources, spread over the members at three sites.
    const std::vector<std::string> owners{"client11", "client12", "client21", "client22", "client31"};
    for (std::size_t i = 0; i < resources; ++i) {
        const auto& owner = owners[i % owners.size()];
        const auto path = "bulk/f" + std::to_string(i) + ".txt";
        sites.disk(owner).putFile(path, 100 + i, 1'000 + static_cast<std::int64_t>(i));
        sites.node(owner).withTerminal([&](core::TerminalEngine& t) {
            t.addResource(shares.workspace1, "f" + std::to_string(i), "c:/" + path);
        });
    }
    sites.settle();

    const auto whole = measure(sites, shares.workspace1, {});
    const auto targeted = measure(sites, shares.workspace1, {"folderB", "folderE"});
    std::printf("share with %zu resources at 5 members of 3 sites (4 relays, 8 terminals)\n", resources + 6);
    std::printf("%-40s %9s %11s %7s %9s\n", "", "messages", "bytes", "nodes", "seconds");
    std::printf("%-40s %9zu %11zu %7zu %9.3f\n", "whole-share synchronize (peer)", whole.messages, whole.bytes,
                whole.nodes, whole.seconds);
    std::printf("%-40s %9zu %11zu %7zu %9.3f\n", "targeted synchronize (folderB, folderE)", targeted.messages,
                targeted.bytes, targeted.nodes, targeted.seconds);
    std::printf("ratio targeted/whole: %.2f of the messages, %.2f of the bytes, %.2f of the time\n",
                double(targeted.messages) / whole.messages, double(targeted.bytes) / whole.bytes,
                targeted.seconds / whole.seconds);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "relaysync-bench-sync: " << e.what() << "\n";
    return 1;
}
