#pragma once
// Reading a plugin's settings (sdk::PluginConfig, text values): the pieces every plugin's config
// reader needs, so that they all trim, refuse and word their errors the same way.

#include <cstdint>
#include <string>

namespace relaysync::plugin_common {

// Throws std::invalid_argument "<key>: <what>": the host reports it as the plugin refusing its
// config, naming the key.
[[noreturn]] void failKey(const std::string& key, const std::string& what);

// `text` without leading and trailing spaces and tabs.
std::string trim(const std::string& text);

// `value` (already trimmed) as a whole number from `min` to `max`; failKey(key, ...) otherwise.
std::uint64_t wholeNumber(const std::string& key, const std::string& value, std::uint64_t min, std::uint64_t max);

}  // namespace relaysync::plugin_common
