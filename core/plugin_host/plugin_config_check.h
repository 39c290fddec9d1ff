#pragma once
// A profile's config for a plugin, checked against the plugin's own key table: every key must be
// declared, every required key present; missing optional keys get the declared default.
// Messages name keys and their positions, never values (a value may be a password).

#include <span>

#include "profile/profile.h"
#include "relaysync/sdk/plugin_config.h"

namespace relaysync::core::plugin_host {

// The config to hand to the plugin's create, or a PluginFault listing unknown keys (with their
// profile positions and the allowed keys) and missing required keys.
sdk::PluginConfig checkPluginConfig(std::span<const sdk::ConfigKey> keys, const PluginChoice& choice);

}  // namespace relaysync::core::plugin_host
