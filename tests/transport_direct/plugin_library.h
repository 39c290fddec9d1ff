#pragma once
// Loads the built "direct" plugin exactly as a host does: Boost.DLL, the one entry point, the
// descriptor's create and destroy. One load per test process.

#include <boost/dll/shared_library.hpp>

#include <memory>
#include <string>

#include "relaysync/sdk/plugin.h"

namespace relaysync::tests {

struct TransportDeleter {
    void (*destroy)(void*) = nullptr;
    void operator()(sdk::Transport* transport) const noexcept { destroy(static_cast<void*>(transport)); }
};
using TransportPtr = std::unique_ptr<sdk::Transport, TransportDeleter>;

class PluginLibrary {
public:
    // $RELAYSYNC_PLUGIN_DIR/relaysync-transport-direct.so (set by CTest), else the build path.
    static const PluginLibrary& get();

    const sdk::PluginDescriptor& descriptor() const { return *descriptor_; }
    // An instance, or nullptr with *error set when the plugin refuses `config`.
    TransportPtr create(const sdk::PluginConfig& config, std::string* error) const;

private:
    PluginLibrary();
    boost::dll::shared_library library_;
    const sdk::PluginDescriptor* descriptor_ = nullptr;
};

}  // namespace relaysync::tests
