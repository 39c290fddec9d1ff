#pragma once
// What the check benchmarks measure on: a relay and one terminal on the in-process network, the
// terminal's one store made through the plugin host (as a daemon makes it), a group and a share,
// and resources added to it. The destructor stops both nodes.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "model/sync_report.h"
#include "plugin_host/plugin_host.h"
#include "runtime/in_process_network.h"
#include "runtime/node.h"

namespace relaysync::bench {

class CheckSite {
public:
    // Databases in `dir`; the store mounted at `prefix` ("c:"); the checker `checker` (a plugin
    // choice), or the built-in timestamp-size one when none is given.
    CheckSite(const std::filesystem::path& dir, const std::string& prefix, const core::PluginChoice& store,
              const std::optional<core::PluginChoice>& checker = std::nullopt);
    ~CheckSite();
    CheckSite(const CheckSite&) = delete;
    CheckSite& operator=(const CheckSite&) = delete;

    // Adds resources "f0".."f<count-1>" at `location(i)` (after the prefix); the seconds it took,
    // until every message was carried.
    double addResources(std::size_t count, const std::function<std::string(std::size_t)>& location);
    // A whole-share check at the terminal; throws unless all `expected` entries are unchanged.
    void checkUnchanged(std::size_t expected);

private:
    std::string prefix_;
    core::InProcessNetwork network_;
    core::PluginHost host_;
    std::unique_ptr<core::Node> relay_;
    std::unique_ptr<core::Node> terminal_;
    std::string share_;
};

}  // namespace relaysync::bench
