#include "metrics/registry.h"

#include <algorithm>
#include <stdexcept>

namespace relaysync::metrics {

FamilyBase::FamilyBase(std::string name, std::string help, MetricType type, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), type_(type), label_names_(std::move(label_names)) {
    if (!validMetricName(name_)) throw std::invalid_argument("not a metric name: '" + name_ + "'");
    for (const auto& label : label_names_)
        if (!validLabelName(label) || (type_ == MetricType::histogram && label == "le"))
            throw std::invalid_argument(name_ + ": not a label name: '" + label + "'");
}

void FamilyBase::checkArity(std::size_t values) const {
    if (values != label_names_.size())
        throw std::invalid_argument(name_ + " has " + std::to_string(label_names_.size()) + " label(s), given " +
                                    std::to_string(values) + " value(s)");
}

Labels FamilyBase::labelsFor(const std::vector<std::string>& values) const {
    Labels labels;
    for (std::size_t i = 0; i < values.size(); ++i) labels.push_back({label_names_[i], values[i]});
    return labels;
}

template <class Instrument>
Family<Instrument>& Registry::family(const std::string& name, const std::string& help, MetricType type,
                                     std::vector<std::string> label_names, typename Family<Instrument>::Maker make) {
    std::lock_guard lock(mutex_);
    for (const auto& each : families_) {
        if (each->name() != name) continue;
        auto* same = dynamic_cast<Family<Instrument>*>(each.get());
        if (!same || each->type() != type || each->labelNames() != label_names)
            throw std::invalid_argument("metric " + name + " is registered already with another type or labels");
        return *same;
    }
    auto made = std::make_unique<Family<Instrument>>(name, help, type, std::move(label_names), std::move(make));
    auto& result = *made;
    families_.push_back(std::move(made));
    return result;
}

Family<Counter>& Registry::counter(const std::string& name, const std::string& help,
                                   std::vector<std::string> label_names) {
    return family<Counter>(name, help, MetricType::counter, std::move(label_names),
                           [] { return std::make_unique<Counter>(); });
}

Family<Gauge>& Registry::gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
    return family<Gauge>(name, help, MetricType::gauge, std::move(label_names), [] { return std::make_unique<Gauge>(); });
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                                       std::vector<std::string> label_names) {
    Histogram check(bounds);  // bad bounds are refused now, not at the first observation
    return family<Histogram>(name, help, MetricType::histogram, std::move(label_names),
                             [bounds] { return std::make_unique<Histogram>(bounds); });
}

void Registry::addCollector(Collector collector) {
    auto& failures = counter("relaysync_metrics_collector_failures_total",
                             "Scrapes in which a scrape-time collector failed and its metrics were left out.")
                         .with({});
    std::lock_guard lock(mutex_);
    collector_failures_ = &failures;
    collectors_.push_back(std::move(collector));
}

std::string Registry::render() const {
    std::lock_guard lock(mutex_);
    ExpositionWriter out;
    for (const auto& family : families_) {
        out.family(family->name(), family->help(), family->type());
        family->write(out);
    }
    for (const auto& collect : collectors_) {
        // Written apart, so that a collector that fails halfway leaves nothing of its own behind.
        ExpositionWriter own;
        try {
            collect(own);
            out.append(own);
        } catch (const std::exception&) {
            collector_failures_->add();
        }
    }
    return out.text();
}

}  // namespace relaysync::metrics
