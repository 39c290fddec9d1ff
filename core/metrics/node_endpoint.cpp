#include "metrics/node_endpoint.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <Poco/Data/Session.h>

#include "brand/brand.h"
#include "protocol/message.h"

namespace relaysync::metrics {
namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

// What the database holds, read under the node's lock and kept for a while.
struct StoredState {
    std::vector<std::pair<std::string, std::size_t>> outbox;  // destination, messages waiting
    std::size_t entries = 0;
    std::size_t deferred = 0;
    std::size_t dead_letters = 0;
};

StoredState readStoredState(core::Node& node) {
    return node.withEngine([](core::EngineBase& engine) {
        StoredState state;
        for (const auto& each : engine.messages().outboxSummary()) state.outbox.emplace_back(each.destination, each.count);
        const auto counts = engine.messages().counts();
        state.deferred = counts.deferred;
        state.dead_letters = counts.dead_letters;
        Poco::Int64 entries = 0;
        engine.database().session() << "SELECT COUNT(*) FROM resource_entries WHERE removed = 0", into(entries), now;
        state.entries = static_cast<std::size_t>(entries);
        return state;
    });
}

class StoredStateCollector {
public:
    StoredStateCollector(core::Node& node, std::chrono::milliseconds max_age) : node_(node), max_age_(max_age) {}

    void operator()(ExpositionWriter& out) {
        const auto state = current();
        out.family("relaysync_outbox_messages", "Messages waiting in the outbox, per destination.", MetricType::gauge);
        auto by_count = state.outbox;
        std::sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        std::size_t others = 0;
        for (std::size_t i = 0; i < by_count.size(); ++i) {
            if (i < kMaxDestinationSeries)
                out.sample("relaysync_outbox_messages", {{"destination", by_count[i].first}},
                           static_cast<double>(by_count[i].second));
            else
                others += by_count[i].second;
        }
        if (by_count.size() > kMaxDestinationSeries)
            out.sample("relaysync_outbox_messages", {{"destination", "(others)"}}, static_cast<double>(others));
        out.family("relaysync_entries", "Resource entry records this node holds (live; tombstones not counted).",
                   MetricType::gauge);
        out.sample("relaysync_entries", {}, static_cast<double>(state.entries));
        out.family("relaysync_deferred_messages", "Messages waiting for what they depend on.", MetricType::gauge);
        out.sample("relaysync_deferred_messages", {}, static_cast<double>(state.deferred));
        out.family("relaysync_dead_letters", "Messages set aside as undeliverable, waiting for an operator.",
                   MetricType::gauge);
        out.sample("relaysync_dead_letters", {}, static_cast<double>(state.dead_letters));
    }

private:
    StoredState current() {
        std::lock_guard lock(mutex_);
        const auto time = std::chrono::steady_clock::now();
        if (!read_at_ || time - *read_at_ >= max_age_) {
            state_ = readStoredState(node_);
            read_at_ = time;
        }
        return state_;
    }

    core::Node& node_;
    const std::chrono::milliseconds max_age_;
    std::mutex mutex_;
    StoredState state_;
    std::optional<std::chrono::steady_clock::time_point> read_at_;
};

}  // namespace

EndpointSettings endpointSettings(const core::MetricsSettings& settings) {
    EndpointSettings result;
    result.host = settings.host;
    result.port = settings.port;
    result.certificate = settings.certificate;
    result.private_key = settings.private_key;
    result.ca = settings.ca;
    result.limits.read_timeout = std::chrono::milliseconds(settings.read_timeout_ms);
    result.limits.max_request_bytes = settings.max_request_bytes;
    result.limits.max_connections = settings.max_connections;
    result.limits.write_timeout = std::chrono::milliseconds(settings.write_timeout_ms);
    return result;
}

void addProcessInfo(Registry& registry, std::string_view role) {
    registry
        .gauge("relaysync_build_info", "Always 1; the labels name the build: product and version (the brand's), "
                                       "wire protocol version, role.",
               {"product", "version", "protocol", "role"})
        .with({std::string(brand::kProductName), std::string(brand::kVersion), std::to_string(core::kProtocolVersion),
               std::string(role)})
        .set(1);
    const auto started = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    registry.gauge("relaysync_process_start_time_seconds", "When the daemon started, in seconds since 1970.")
        .with({})
        .set(static_cast<double>(static_cast<std::int64_t>(started)));
}

void addStoredState(core::Node& node, std::chrono::milliseconds max_age) {
    auto collector = std::make_shared<StoredStateCollector>(node, max_age);
    node.metrics().registry().addCollector([collector](ExpositionWriter& out) { (*collector)(out); });
}

NodeEndpoint::NodeEndpoint(const core::MetricsSettings& settings, core::Node& node, std::string_view role)
    : endpoint_(endpointSettings(settings), [&node] { return node.metrics().registry().render(); }) {
    addProcessInfo(node.metrics().registry(), role);
    addStoredState(node, kStoredStateMaxAge);
}

}  // namespace relaysync::metrics
