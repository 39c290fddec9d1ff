#pragma once
// The three kinds of value a family holds. Updates are single relaxed atomic operations, so
// the engine counts where it already does its work without a lock of its own; a scrape reads
// them at any time (a histogram's count and buckets may be one observation apart).

#include <atomic>
#include <cstdint>
#include <vector>

#include "metrics/exposition.h"

namespace relaysync::metrics {

// Only goes up (Prometheus resets are process restarts).
class Counter {
public:
    void add(std::uint64_t amount = 1) { value_.fetch_add(amount, std::memory_order_relaxed); }
    std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }
    void write(ExpositionWriter& out, const std::string& name, const Labels& labels) const;

private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
public:
    void set(double value) { value_.store(value, std::memory_order_relaxed); }
    void add(double amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
    double value() const { return value_.load(std::memory_order_relaxed); }
    void write(ExpositionWriter& out, const std::string& name, const Labels& labels) const;

private:
    std::atomic<double> value_{0};
};

// Observations counted into fixed buckets (upper bounds, ascending; +Inf is implied).
class Histogram {
public:
    explicit Histogram(std::vector<double> bounds);
    void observe(double value);
    std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
    double sum() const { return sum_.load(std::memory_order_relaxed); }
    // Writes <name>_bucket{...,le="..."} cumulatively, then <name>_sum and <name>_count.
    void write(ExpositionWriter& out, const std::string& name, const Labels& labels) const;

private:
    const std::vector<double> bounds_;
    std::vector<std::atomic<std::uint64_t>> buckets_;  // per bound, not cumulative
    std::atomic<std::uint64_t> count_{0};
    std::atomic<double> sum_{0};
};

}  // namespace relaysync::metrics
