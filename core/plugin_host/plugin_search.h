#pragma once
// Where a plugin's file is: a profile names a plugin ("local"), the host looks for
// relaysync-<kindword>-<name>.so in its search folders, in order; a name with a '/' is a path.

#include <filesystem>
#include <string>
#include <vector>

#include "relaysync/sdk/plugin.h"

namespace relaysync::core::plugin_host {

// "transport", "storage", "checker": the word in plugin file names (sdk/cmake/RelaysyncPlugin.cmake).
const char* kindWord(sdk::PluginKind kind) noexcept;

// "relaysync-storage-local.so" for a resource store named "local".
std::string pluginFileName(sdk::PluginKind kind, const std::string& name);

// True when a profile's `plugin:` value is a path rather than a name.
bool isPluginPath(const std::string& plugin) noexcept;

// `given`, then the folders of RELAYSYNC_PLUGIN_DIR (':'-separated), then the install folder;
// empty entries and repeats dropped.
std::vector<std::string> pluginSearchPaths(std::vector<std::string> given);

// <libdir>/relaysync/plugins, fixed at build time.
std::string installedPluginDir();

// The file to load for `plugin` (absolute), or a PluginFault saying what was looked for where.
std::filesystem::path locatePlugin(sdk::PluginKind kind, const std::string& plugin,
                                   const std::vector<std::string>& search_paths);

}  // namespace relaysync::core::plugin_host
