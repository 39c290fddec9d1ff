#pragma once
// The Prometheus text exposition format, version 0.0.4: "# HELP", "# TYPE" and one line per
// sample, label values escaped. What every family written here has in common; the registry and
// the scrape-time collectors both write through ExpositionWriter.

#include <string>
#include <string_view>
#include <vector>

namespace relaysync::metrics {

// The Content-Type of a page written by ExpositionWriter.
inline constexpr std::string_view kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { counter, gauge, histogram };
std::string_view toString(MetricType type);

struct Label {
    std::string name;
    std::string value;
};
using Labels = std::vector<Label>;

// [a-zA-Z_:][a-zA-Z0-9_:]* ; label names the same without ':' and not starting with "__".
bool validMetricName(std::string_view name);
bool validLabelName(std::string_view name);

// A label value as it goes between the quotes: '\' '"' and newline escaped; bytes that are not
// UTF-8 replaced by U+FFFD (values may come from the network, and one bad byte must not make
// the whole page unreadable to the scraper).
std::string escapeLabelValue(std::string_view value);
// HELP text: '\' and newline escaped.
std::string escapeHelp(std::string_view help);
// A sample value: whole numbers without exponent or point, else shortest round-trip form;
// "+Inf", "-Inf", "NaN".
std::string formatValue(double value);

class ExpositionWriter {
public:
    // Starts a family: its HELP and TYPE lines. Throws std::invalid_argument for a bad name or
    // a family written twice (the format allows each once per page).
    void family(std::string_view name, std::string_view help, MetricType type);
    // One sample of the family started last; `name` is the family's, or for a histogram its
    // name with _bucket, _sum or _count. Throws std::invalid_argument for a bad label name.
    void sample(std::string_view name, const Labels& labels, double value);

    // Adds another writer's page after this one's; std::invalid_argument if they share a family.
    void append(const ExpositionWriter& other);

    const std::string& text() const { return text_; }

private:
    std::string text_;
    std::vector<std::string> families_;
};

}  // namespace relaysync::metrics
