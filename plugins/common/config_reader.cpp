#include "config_reader.h"

#include "config_text.h"

namespace relaysync::plugin_common {

ConfigReader::ConfigReader(const sdk::PluginConfig& config, std::span<const sdk::ConfigKey> declared,
                           const std::string& plugin)
    : config_(config), declared_(declared) {
    for (const auto& entry : config_) {
        bool known = false;
        for (const auto& key : declared_) known = known || entry.first == key.name;
        if (!known) failKey(entry.first, "unknown setting of " + plugin);
    }
}

std::string ConfigReader::text(const char* key) const {
    if (const auto found = config_.find(key); found != config_.end()) return found->second;
    for (const auto& declared : declared_)
        if (std::string(declared.name) == key) {
            if (!declared.default_value) failKey(key, "required");
            return declared.default_value;
        }
    return {};
}

std::string ConfigReader::trimmed(const char* key) const { return trim(text(key)); }

std::uint64_t ConfigReader::number(const char* key, std::uint64_t min, std::uint64_t max) const {
    return wholeNumber(key, trimmed(key), min, max);
}

std::chrono::milliseconds ConfigReader::duration(const char* key, std::uint64_t min_ms) const {
    constexpr std::uint64_t kDayMs = 24ull * 3600 * 1000;
    return std::chrono::milliseconds(number(key, min_ms, kDayMs));
}

bool ConfigReader::flag(const char* key) const {
    const std::string value = trimmed(key);
    if (value == "true") return true;
    if (value == "false") return false;
    failKey(key, "'" + value + "' is neither true nor false");
}

}  // namespace relaysync::plugin_common
