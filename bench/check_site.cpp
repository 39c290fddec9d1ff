#include "check_site.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>
#include <vector>

#include "checker/timestamp_size_checker.h"

namespace relaysync::bench {

namespace {
const std::string kRelay = "relay@bench";
const std::string kTerminal = "pc@relay";
}  // namespace

CheckSite::CheckSite(const std::filesystem::path& dir, const std::string& prefix, const core::PluginChoice& store,
                     const std::optional<core::PluginChoice>& checker)
    : prefix_(prefix), host_({}) {
    core::Node::Parts relay_parts;
    relay_parts.database = std::make_unique<core::Database>("sqlite:" + (dir / "relay.db").string());
    relay_parts.transport = network_.transportFor(kRelay);
    relay_ = core::Node::relay(std::move(relay_parts), kRelay, "Bench");
    core::Node::Parts parts;
    parts.database = std::make_unique<core::Database>("sqlite:" + (dir / "terminal.db").string());
    parts.transport = network_.transportFor(kTerminal);
    parts.stores = std::make_unique<core::StoreRouter>();
    parts.stores->add(prefix, host_.createStore(store));
    if (checker) parts.checker = host_.createChecker(*checker);
    else parts.checker = std::make_shared<core::TimestampSizeChecker>();
    terminal_ = core::Node::terminal(std::move(parts), kTerminal, kRelay, {});
    relay_->start();
    terminal_->start();
    const auto group = relay_->withRelay([](core::RelayEngine& r) { return r.createGroup(std::nullopt); });
    relay_->withRelay([&](core::RelayEngine& r) { r.addTerminal(group, kTerminal, "PC", "Bench", /*force=*/true); });
    network_.run();
    share_ = terminal_->withTerminal([&](core::TerminalEngine& t) { return t.createShare(group, "bench", {}); });
    network_.run();
}

CheckSite::~CheckSite() {
    terminal_->stop();
    relay_->stop();
}

double CheckSite::addResources(std::size_t count, const std::function<std::string(std::size_t)>& location) {
    const auto start = std::chrono::steady_clock::now();
    // In batches, as `relaysync-admin add-resources` / `add-children` add them: one transaction
    // and as few messages as the payload limit allows per batch.
    constexpr std::size_t kBatch = 1000;
    for (std::size_t first = 0; first < count; first += kBatch) {
        std::vector<std::pair<std::string, std::string>> batch;
        for (std::size_t i = first; i < std::min(count, first + kBatch); ++i) {
            std::string name = "f";
            name += std::to_string(i);
            batch.emplace_back(std::move(name), prefix_ + "/" + location(i));
        }
        terminal_->addResources(share_, batch);  // the disk read outside the node's lock, as a daemon adds
    }
    network_.run();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void CheckSite::checkUnchanged(std::size_t expected) {
    const auto report = terminal_->checkResources(share_);
    if (report.checked != static_cast<std::int64_t>(expected) || report.unchanged != report.checked)
        throw std::runtime_error("unexpected check result: " + report.summary());
}

}  // namespace relaysync::bench
