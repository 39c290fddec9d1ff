#pragma once
// A small metrics registry: named families of counters, gauges and histograms, each child
// picked by its label values, plus collectors that write families computed at scrape time
// (what the database knows). render() is the /metrics page.
//
//   Registry registry;
//   auto& received = registry.counter("relaysync_messages_received_total", "Messages taken in.", {"type"});
//   received.with({"answer"}).add();

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/exposition.h"
#include "metrics/instruments.h"

namespace relaysync::metrics {

// What families share: name, help, type and label names; writes itself onto a page.
class FamilyBase {
public:
    FamilyBase(std::string name, std::string help, MetricType type, std::vector<std::string> label_names);
    virtual ~FamilyBase() = default;
    const std::string& name() const { return name_; }
    MetricType type() const { return type_; }
    const std::vector<std::string>& labelNames() const { return label_names_; }
    virtual void write(ExpositionWriter& out) const = 0;

protected:
    Labels labelsFor(const std::vector<std::string>& values) const;
    void checkArity(std::size_t values) const;

private:
    std::string name_;
    std::string help_;
    MetricType type_;
    std::vector<std::string> label_names_;

    friend class Registry;
    const std::string& help() const { return help_; }
};

// The children of one family. Children are made on first use and live as long as the registry,
// so a caller may keep the reference with() returns and update it without any lookup.
template <class Instrument>
class Family final : public FamilyBase {
public:
    using Maker = std::function<std::unique_ptr<Instrument>()>;
    Family(std::string name, std::string help, MetricType type, std::vector<std::string> label_names, Maker make)
        : FamilyBase(std::move(name), std::move(help), type, std::move(label_names)), make_(std::move(make)) {}

    // The child with these label values (as many as the family has label names; else
    // std::invalid_argument).
    Instrument& with(const std::vector<std::string>& values) {
        checkArity(values.size());
        std::lock_guard lock(mutex_);
        auto& child = children_[values];
        if (!child) child = make_();
        return *child;
    }

    void write(ExpositionWriter& out) const override {
        std::lock_guard lock(mutex_);
        for (const auto& [values, child] : children_) child->write(out, name(), labelsFor(values));
    }

private:
    Maker make_;
    mutable std::mutex mutex_;
    std::map<std::vector<std::string>, std::unique_ptr<Instrument>> children_;
};

class Registry {
public:
    // Each returns the family of that name, made on the first call; a later call with another
    // type or other label names throws std::invalid_argument, as does a bad name.
    Family<Counter>& counter(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names = {});
    Family<Gauge>& gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
    Family<Histogram>& histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                                 std::vector<std::string> label_names = {});

    // Runs at every render, after the families above, on the scraping thread: writes families of
    // its own (values read at scrape time). It must not name a family registered above.
    using Collector = std::function<void(ExpositionWriter& out)>;
    void addCollector(Collector collector);

    // The whole page, in the order families were registered. A collector that throws leaves its
    // families out and counts in relaysync_metrics_collector_failures_total.
    std::string render() const;

private:
    template <class Instrument>
    Family<Instrument>& family(const std::string& name, const std::string& help, MetricType type,
                               std::vector<std::string> label_names, typename Family<Instrument>::Maker make);

    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<FamilyBase>> families_;
    std::vector<Collector> collectors_;
    Counter* collector_failures_ = nullptr;
};

}  // namespace relaysync::metrics
