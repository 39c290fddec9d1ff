#pragma once
// Inside the plugin host: a reason a plugin cannot be used, before the host adds which plugin,
// which file and which profile position it is about (PluginHost turns it into a PluginError).

#include <stdexcept>

namespace relaysync::core::plugin_host {

class PluginFault : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace relaysync::core::plugin_host
