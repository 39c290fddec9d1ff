#pragma once
// What a plugin declares about itself, read without creating it: for `--help`, for validating a
// profile, and for listing what is installed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "relaysync/sdk/plugin.h"

namespace relaysync::core {

struct PluginKeyInfo {
    std::string name;
    std::optional<std::string> default_value;  // none: the key is required
    std::string description;

    bool required() const noexcept { return !default_value; }
};

struct PluginInfo {
    sdk::PluginKind kind = sdk::PluginKind::transport;
    std::string name;         // as the plugin declares it
    std::string description;  // one line
    std::string file;         // the shared library it was read from
    std::uint32_t abi_major = 0;
    std::uint32_t abi_minor = 0;
    std::vector<PluginKeyInfo> keys;  // in the plugin's own order
};

}  // namespace relaysync::core
