#include "config_text.h"

#include <charconv>
#include <stdexcept>

namespace relaysync::plugin_common {

void failKey(const std::string& key, const std::string& what) { throw std::invalid_argument(key + ": " + what); }

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

std::uint64_t wholeNumber(const std::string& key, const std::string& value, std::uint64_t min, std::uint64_t max) {
    std::uint64_t parsed = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (value.empty() || error != std::errc() || end != value.data() + value.size())
        failKey(key, "'" + value + "' is not a whole number");
    if (parsed < min || parsed > max)
        failKey(key, std::to_string(parsed) + " is out of range (" + std::to_string(min) + " to " +
                         std::to_string(max) + ")");
    return parsed;
}

}  // namespace relaysync::plugin_common
