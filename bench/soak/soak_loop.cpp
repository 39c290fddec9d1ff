#include "soak_loop.h"

#include <algorithm>
#include <cstdio>
#include <thread>
#include <tuple>

#include "cluster/wait.h"

namespace relaysync::soak {

namespace {

using namespace std::chrono_literals;

constexpr double kTargetedShare = 0.25;       // of the synchronizes, targeted at a few names
constexpr std::size_t kMostNamesTargeted = 5;
constexpr auto kPollEvery = 250ms;            // sync-status of each running synchronize
constexpr auto kSampleEvery = 1s;             // memory and database sizes
constexpr auto kProgressEvery = 10s;

Clock::duration secondsOf(double seconds) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

}  // namespace

double runSoak(SoakParts& parts, const Options& options, std::ostream& out) {
    const auto up = [&](const std::string& node) { return parts.chaos.up(node); };
    const auto uniform = [&](double low, double high) {
        return std::uniform_real_distribution<double>(low, high)(parts.rng);
    };
    const auto begin = Clock::now();
    const auto end = begin + secondsOf(options.seconds);
    const auto change_every = secondsOf(1.0 / options.changes_per_second);
    auto next_change = begin, next_sample = begin, next_progress = begin + kProgressEvery;
    auto next_sync = begin + secondsOf(options.sync_every * uniform(0.5, 1.5));

    for (auto now = Clock::now(); now < end; now = Clock::now()) {
        cluster::throwIfInterrupted();
        parts.chaos.step();  // may block while a node restarts
        now = Clock::now();
        if (now >= next_change) {
            parts.resources.changeOne(up);
            next_change = std::max(next_change + change_every, now - 1s);  // no burst after a long restart
        }
        parts.syncs.poll(up, kPollEvery);
        if (now >= next_sync) {
            next_sync = now + secondsOf(options.sync_every * uniform(0.5, 1.5));
            std::vector<std::string> running;
            for (const auto& node : parts.sync_nodes)
                if (up(node)) running.push_back(node);
            if (!running.empty() && parts.syncs.inFlight() < options.max_syncs_in_flight) {
                const auto& node = running[std::uniform_int_distribution<std::size_t>(0, running.size() - 1)(parts.rng)];
                std::vector<std::string> names;
                if (uniform(0, 1) < kTargetedShare)
                    names = parts.resources.randomNames(
                        std::uniform_int_distribution<std::size_t>(1, kMostNamesTargeted)(parts.rng));
                parts.syncs.start(node, names);
            }
        }
        if (now >= next_sample) {
            parts.meter.sample();
            next_sample = now + kSampleEvery;
        }
        if (now >= next_progress) {
            next_progress = now + kProgressEvery;
            std::size_t changes = 0;
            for (const auto& [kind, count] : parts.resources.changes()) changes += count;
            std::size_t finished = 0;
            for (const auto& record : parts.syncs.records()) finished += record.finished ? 1 : 0;
            std::string down, biggest;
            std::uint64_t rss = 0;
            for (const auto& [node, figures] : parts.meter.figures()) {
                if (!up(node)) down += " " + node;
                if (figures.last_rss_kib > rss) std::tie(rss, biggest) = std::make_pair(figures.last_rss_kib, node);
            }
            char line[240];
            std::snprintf(line, sizeof line,
                          "  %6.0f s  changes %zu  syncs %zu started, %zu finished  kills %zu  largest RSS %.1f MiB (%s)  down:%s\n",
                          std::chrono::duration<double>(now - begin).count(), changes, parts.syncs.records().size(),
                          finished, parts.chaos.kills(), static_cast<double>(rss) / 1024.0, biggest.c_str(),
                          down.empty() ? " none" : down.c_str());
            out << line << std::flush;
        }
        const auto wake = std::min({next_change, next_sync, next_sample, end, Clock::now() + 50ms});
        std::this_thread::sleep_until(wake);
    }
    return std::chrono::duration<double>(Clock::now() - begin).count();
}

}  // namespace relaysync::soak
