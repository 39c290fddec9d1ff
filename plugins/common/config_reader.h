#pragma once
// One plugin's settings read against the keys it declares (sdk::ConfigKey): a key it does not
// declare is refused, a missing key takes its declared default, and a key declared without one
// is required. Every plugin reads its settings through this, so that all refuse and word their
// errors alike ("<key>: <what>", config_text.h).

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "relaysync/sdk/plugin_config.h"

namespace relaysync::plugin_common {

class ConfigReader {
public:
    // `plugin` names the plugin in the refusal of an unknown key: "the smb store".
    ConfigReader(const sdk::PluginConfig& config, std::span<const sdk::ConfigKey> declared, const std::string& plugin);

    // The value as given, else the declared default; failKey(key, "required") when neither.
    std::string text(const char* key) const;
    // The same without leading and trailing blanks.
    std::string trimmed(const char* key) const;
    // A whole number from `min` to `max`.
    std::uint64_t number(const char* key, std::uint64_t min, std::uint64_t max) const;
    // Milliseconds from `min_ms` to a day.
    std::chrono::milliseconds duration(const char* key, std::uint64_t min_ms) const;
    // "true" or "false".
    bool flag(const char* key) const;

private:
    const sdk::PluginConfig& config_;
    std::span<const sdk::ConfigKey> declared_;
};

}  // namespace relaysync::plugin_common
