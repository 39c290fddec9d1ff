#pragma once
// A daemon's /metrics endpoint: the node's counters (NodeMetrics), what its database holds
// (queued messages per destination, entries, deferred messages, dead letters: read at scrape
// time, at most once per `stored_state_max_age`, so that scrapes cannot load the database), the
// build and the process start time. docs/metrics.md.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "metrics/metrics_endpoint.h"
#include "profile/profile.h"
#include "runtime/node.h"

namespace relaysync::metrics {

// The profile's `metrics:` section as endpoint settings.
EndpointSettings endpointSettings(const core::MetricsSettings& settings);

// relaysync_build_info{product, version, protocol, role} 1 and
// relaysync_process_start_time_seconds (now, in seconds since 1970).
void addProcessInfo(Registry& registry, std::string_view role);

// Adds the scrape-time gauges of `node`'s database to its registry. `node` outlives the
// registry's renders.
void addStoredState(core::Node& node, std::chrono::milliseconds max_age);

// At most this many destinations get a series of their own; the rest are summed in one
// labelled "(others)", so a node with very many peers gives a page of bounded size.
inline constexpr std::size_t kMaxDestinationSeries = 100;
inline constexpr std::chrono::seconds kStoredStateMaxAge{10};

class NodeEndpoint {
public:
    // Binds (throws std::runtime_error on failure); serves from start().
    NodeEndpoint(const core::MetricsSettings& settings, core::Node& node, std::string_view role);
    void start() { endpoint_.start(); }
    void stop() { endpoint_.stop(); }
    std::string url() const { return endpoint_.url(); }

private:
    MetricsEndpoint endpoint_;
};

}  // namespace relaysync::metrics
