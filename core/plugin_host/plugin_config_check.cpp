#include "plugin_host/plugin_config_check.h"

#include <algorithm>
#include <string>
#include <vector>

#include "plugin_host/plugin_error.h"
#include "plugin_host/plugin_fault.h"

namespace relaysync::core::plugin_host {
namespace {

const sdk::ConfigKey* findKey(std::span<const sdk::ConfigKey> keys, const std::string& name) {
    const auto it = std::find_if(keys.begin(), keys.end(),
                                 [&](const sdk::ConfigKey& key) { return name == key.name; });
    return it == keys.end() ? nullptr : &*it;
}

std::string quotedList(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) {
        if (!text.empty()) text += ", ";
        text += "'" + name + "'";
    }
    return text;
}

// "unknown config key 'rot' at r1.yaml:14:7; allowed keys: mode, root"
std::string unknownKeysProblem(std::span<const sdk::ConfigKey> keys, const PluginChoice& choice) {
    std::vector<std::string> unknown;
    for (const auto& [name, value] : choice.config) {
        if (findKey(keys, name)) continue;
        std::string item = "'" + name + "'";
        const auto position = choice.key_positions.find(name);
        if (position != choice.key_positions.end() && isKnown(position->second))
            item += " at " + position->second.toString();
        unknown.push_back(item);
    }
    if (unknown.empty()) return {};

    std::string text = unknown.size() == 1 ? "unknown config key " : "unknown config keys ";
    for (std::size_t i = 0; i < unknown.size(); ++i) text += (i ? ", " : "") + unknown[i];
    if (keys.empty()) return text + "; this plugin takes no config keys";
    std::string allowed;
    for (const auto& key : keys) allowed += (allowed.empty() ? "" : ", ") + std::string(key.name);
    return text + "; allowed keys: " + allowed;
}

// "missing required config key 'root'"
std::string missingKeysProblem(std::span<const sdk::ConfigKey> keys, const PluginChoice& choice) {
    std::vector<std::string> missing;
    for (const auto& key : keys) {
        if (!key.default_value && !choice.config.count(key.name)) missing.emplace_back(key.name);
    }
    if (missing.empty()) return {};
    return std::string(missing.size() == 1 ? "missing required config key "
                                           : "missing required config keys ") +
           quotedList(missing);
}

}  // namespace

sdk::PluginConfig checkPluginConfig(std::span<const sdk::ConfigKey> keys, const PluginChoice& choice) {
    std::string problem = unknownKeysProblem(keys, choice);
    const std::string missing = missingKeysProblem(keys, choice);
    if (!missing.empty()) problem += (problem.empty() ? "" : "; ") + missing;
    if (!problem.empty()) throw PluginFault(problem);

    sdk::PluginConfig config = choice.config;
    for (const auto& key : keys) {
        if (key.default_value) config.emplace(key.name, key.default_value);  // keeps a given value
    }
    return config;
}

}  // namespace relaysync::core::plugin_host
