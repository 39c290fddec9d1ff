#include "metrics/instruments.h"

#include <algorithm>
#include <stdexcept>

namespace relaysync::metrics {

void Counter::write(ExpositionWriter& out, const std::string& name, const Labels& labels) const {
    out.sample(name, labels, static_cast<double>(value()));
}

void Gauge::write(ExpositionWriter& out, const std::string& name, const Labels& labels) const {
    out.sample(name, labels, value());
}

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), buckets_(bounds_.size()) {
    if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
        std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end())
        throw std::invalid_argument("histogram bounds must ascend strictly");
}

void Histogram::observe(double value) {
    const auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
    if (static_cast<std::size_t>(bucket) < buckets_.size())
        buckets_[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
}

void Histogram::write(ExpositionWriter& out, const std::string& name, const Labels& labels) const {
    Labels with_bound = labels;
    with_bound.push_back({"le", ""});
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        cumulative += buckets_[i].load(std::memory_order_relaxed);
        with_bound.back().value = formatValue(bounds_[i]);
        out.sample(name + "_bucket", with_bound, static_cast<double>(cumulative));
    }
    // Read after the buckets: a concurrent observation shows in +Inf and the count, never in a
    // bucket above them.
    const auto total = std::max(count(), cumulative);
    with_bound.back().value = "+Inf";
    out.sample(name + "_bucket", with_bound, static_cast<double>(total));
    out.sample(name + "_sum", labels, sum());
    out.sample(name + "_count", labels, static_cast<double>(total));
}

}  // namespace relaysync::metrics
