#include "plugin_library.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace relaysync::tests {

namespace {

std::filesystem::path pluginPath() {
    if (const char* dir = std::getenv("RELAYSYNC_PLUGIN_DIR"); dir && *dir)
        return std::filesystem::path(dir) / "relaysync-transport-direct.so";
    return RELAYSYNC_TRANSPORT_DIRECT_SO;
}

}  // namespace

PluginLibrary::PluginLibrary() : library_(pluginPath()) {
    const auto entry = library_.get<sdk::PluginEntryPoint>(RELAYSYNC_PLUGIN_ENTRY_POINT);
    descriptor_ = entry();
    if (!descriptor_) throw std::runtime_error("the plugin's entry point returned no descriptor");
}

const PluginLibrary& PluginLibrary::get() {
    static const PluginLibrary library;
    return library;
}

TransportPtr PluginLibrary::create(const sdk::PluginConfig& config, std::string* error) const {
    void* instance = descriptor_->create(config, error);
    return TransportPtr(static_cast<sdk::Transport*>(instance), TransportDeleter{descriptor_->destroy});
}

}  // namespace relaysync::tests
