#include "metrics/exposition.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace relaysync::metrics {
namespace {

bool nameChar(char c, bool first, bool colon_allowed) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalpha(u) || c == '_') return true;
    if (c == ':') return colon_allowed;
    return !first && std::isdigit(u);
}

bool validName(std::string_view name, bool colon_allowed) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (static_cast<unsigned char>(name[i]) >= 0x80 || !nameChar(name[i], i == 0, colon_allowed)) return false;
    return true;
}

// Length of the UTF-8 sequence at `at`, or 0 when it is not one (overlong, surrogate, cut).
std::size_t utf8Length(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    if (lead < 0x80) return 1;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    if (at + length > text.size()) return 0;
    if (byte(at + 1) < low || byte(at + 1) > high) return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return 0;
    return length;
}

}  // namespace

std::string_view toString(MetricType type) {
    switch (type) {
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::histogram: return "histogram";
    }
    return "untyped";
}

bool validMetricName(std::string_view name) { return validName(name, true); }

bool validLabelName(std::string_view name) { return validName(name, false) && name.substr(0, 2) != "__"; }

std::string escapeLabelValue(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size();) {
        const std::size_t length = utf8Length(value, i);
        if (length == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        const char c = value[i];
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out.append(value.substr(i, length));
        i += length;
    }
    return out;
}

std::string escapeHelp(std::string_view help) {
    std::string out;
    out.reserve(help.size());
    for (const char c : help) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string formatValue(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char buffer[32];
    // Whole numbers up to 2^53 are exact in a double: written as integers.
    if (std::trunc(value) == value && std::fabs(value) < 9007199254740992.0) {
        const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value));
        return std::string(buffer, end);
    }
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, end);
}

void ExpositionWriter::family(std::string_view name, std::string_view help, MetricType type) {
    if (!validMetricName(name)) throw std::invalid_argument("not a metric name: '" + std::string(name) + "'");
    if (std::find(families_.begin(), families_.end(), name) != families_.end())
        throw std::invalid_argument("metric family written twice: " + std::string(name));
    families_.emplace_back(name);
    text_.append("# HELP ").append(name).append(" ").append(escapeHelp(help)).append("\n");
    text_.append("# TYPE ").append(name).append(" ").append(toString(type)).append("\n");
}

void ExpositionWriter::append(const ExpositionWriter& other) {
    for (const auto& name : other.families_)
        if (std::find(families_.begin(), families_.end(), name) != families_.end())
            throw std::invalid_argument("metric family written twice: " + name);
    families_.insert(families_.end(), other.families_.begin(), other.families_.end());
    text_ += other.text_;
}

void ExpositionWriter::sample(std::string_view name, const Labels& labels, double value) {
    if (!validMetricName(name)) throw std::invalid_argument("not a metric name: '" + std::string(name) + "'");
    text_.append(name);
    if (!labels.empty()) {
        text_ += '{';
        for (std::size_t i = 0; i < labels.size(); ++i) {
            if (!validLabelName(labels[i].name))
                throw std::invalid_argument("not a label name: '" + labels[i].name + "'");
            if (i > 0) text_ += ',';
            text_.append(labels[i].name).append("=\"").append(escapeLabelValue(labels[i].value)).append("\"");
        }
        text_ += '}';
    }
    text_.append(" ").append(formatValue(value)).append("\n");
}

}  // namespace relaysync::metrics
