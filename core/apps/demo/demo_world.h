#pragma once
// Everything the demo runs on: the site profiles, one node per profile, all of them on one
// in-process network, and the resource entities on disk under the terminals' local stores.

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "plugin_host/plugin_host.h"
#include "profile/profile.h"
#include "runtime/in_process_network.h"
#include "runtime/node.h"

namespace relaysync::demo {

class DemoWorld {
public:
    // Loads every *.yaml in `config_dir` (${RELAYSYNC_DATA} must be set), then builds one node
    // per profile with its transport replaced by the in-process network, and starts them all.
    // Plugins are searched in `plugin_paths`, then where the profiles and the host say.
    DemoWorld(const std::filesystem::path& config_dir, std::vector<std::string> plugin_paths);
    ~DemoWorld();
    DemoWorld(const DemoWorld&) = delete;
    DemoWorld& operator=(const DemoWorld&) = delete;

    // Accounts in profile-file order: relays first, then terminals.
    const std::vector<std::string>& accounts() const { return accounts_; }
    const core::Profile& profile(const std::string& account) const;
    core::Node& node(const std::string& account);
    core::InProcessNetwork& network() { return network_; }

    // "R1" for relay-server1@net, "client11" for client11@relay-server1.net.
    static std::string label(const std::string& account);

    // Delivers every queued message and what it causes; returns how many were carried.
    std::size_t settle();

    // Where the entity at `location` ("c:/folderA") of terminal `account` lives on disk: under
    // the root of the terminal's local store serving that prefix.
    std::filesystem::path entityPath(const std::string& account, const std::string& location) const;

private:
    // Destroyed in reverse: nodes before the host that made their plugins and the network
    // their transports talk to.
    core::InProcessNetwork network_;
    std::unique_ptr<core::PluginHost> host_;
    std::map<std::string, core::Profile> profiles_;
    std::map<std::string, std::unique_ptr<core::Node>> nodes_;
    std::vector<std::string> accounts_;
};

}  // namespace relaysync::demo
