#pragma once
// Loading one plugin file: open the shared library, find its entry point, read its descriptor,
// and refuse it unless it was built for this host's SDK ABI and is well formed. Boost.DLL stays
// inside plugin_library.cpp.

#include <filesystem>
#include <memory>

#include "relaysync/sdk/plugin.h"

namespace relaysync::core::plugin_host {

// The descriptor of the plugin in `file`, checked for ABI and form (not for kind or name: that
// depends on what was asked for). The returned pointer keeps the library loaded: whatever the
// plugin created must be destroyed while a copy of it is alive.
// Throws PluginFault with the reason (dlerror's text for a file that is not a loadable library).
std::shared_ptr<const sdk::PluginDescriptor> loadPluginLibrary(const std::filesystem::path& file);

}  // namespace relaysync::core::plugin_host
