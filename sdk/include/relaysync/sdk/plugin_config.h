#pragma once
// A plugin's own settings: the flat key/value sub-map of its section in a YAML profile.
// Each plugin declares the keys it takes, so core can validate a profile and print help
// without knowing the plugin.

#include <cstddef>
#include <map>
#include <string>

namespace relaysync::sdk {

using PluginConfig = std::map<std::string, std::string>;

struct ConfigKey {
    const char* name;
    const char* default_value;  // nullptr: the key is required
    const char* description;
};

}  // namespace relaysync::sdk
