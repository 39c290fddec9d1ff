#pragma once
// The plugin host: finds a plugin's shared library, loads it, checks that it was built for this
// SDK ABI and is the kind asked for, validates the profile's config against the plugin's key
// table, and creates an instance. docs/plugins.md describes the rules and every error.
//
// Everything that goes wrong is a PluginError (one line: position, plugin, file, reason); a bad
// plugin file never crashes the process (short of the plugin's own code crashing when called).
// Safe to use from several threads.

#include <memory>
#include <string>
#include <vector>

#include "plugin_host/plugin_error.h"
#include "plugin_host/plugin_info.h"
#include "profile/profile.h"
#include "relaysync/sdk/entity_checker.h"
#include "relaysync/sdk/plugin.h"
#include "relaysync/sdk/plugin_config.h"
#include "relaysync/sdk/resource_store.h"
#include "relaysync/sdk/transport.h"

namespace relaysync::core {

class PluginHost {
public:
    // Plugins named in a profile are looked up, in order, in `search_paths`, then in each folder
    // of the environment variable RELAYSYNC_PLUGIN_DIR (':'-separated, read now), then in
    // defaultPluginDir(). A plugin given as a path (it contains '/') is loaded from that path.
    explicit PluginHost(std::vector<std::string> search_paths);
    ~PluginHost();
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    // A new instance of the chosen plugin, made from choice.config with the plugin's defaults
    // filled in. The object keeps its library loaded and may outlive the host.
    std::shared_ptr<sdk::Transport> createTransport(const PluginChoice& choice);
    std::shared_ptr<sdk::ResourceStore> createStore(const PluginChoice& choice);
    std::shared_ptr<sdk::EntityChecker> createChecker(const PluginChoice& choice);

    // Every check createX makes except creating: returns the config the plugin would be given
    // (defaults filled in). For validating a profile without opening connections.
    sdk::PluginConfig validate(sdk::PluginKind kind, const PluginChoice& choice);

    // What a plugin (a name or a path) declares, without creating it.
    PluginInfo describe(sdk::PluginKind kind, const std::string& plugin);

    // The folders searched, in order, without duplicates.
    const std::vector<std::string>& searchPaths() const noexcept;

    // Where installed plugins live: <libdir>/relaysync/plugins.
    static std::string defaultPluginDir();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace relaysync::core
