#include "plugin_host/plugin_library.h"

#include <exception>
#include <string>

#include <boost/dll/shared_library.hpp>

#include "plugin_host/plugin_fault.h"

namespace relaysync::core::plugin_host {
namespace {

// dlerror's text, e.g. "file too short" or "undefined symbol: x", without the file name the
// error message names anyway. Boost.DLL wraps it as "... (dlerror system message: <text>): ...".
std::string loaderMessage(const std::exception& e, const std::filesystem::path& file) {
    const std::string what = e.what();
    const std::string marker = "(dlerror system message: ";
    const auto start = what.find(marker);
    const auto end = what.rfind("):");
    if (start == std::string::npos || end == std::string::npos || end < start + marker.size())
        return what;
    auto text = what.substr(start + marker.size(), end - start - marker.size());
    const auto file_prefix = file.string() + ": ";
    if (text.compare(0, file_prefix.size(), file_prefix) == 0) text.erase(0, file_prefix.size());
    return text;
}

std::shared_ptr<boost::dll::shared_library> openLibrary(const std::filesystem::path& file) {
    try {
        // rtld_now: a missing symbol is reported here, not as a crash on first call.
        return std::make_shared<boost::dll::shared_library>(
            file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        throw PluginFault("not a loadable shared library: " + loaderMessage(e, file));
    }
}

const sdk::PluginDescriptor* callEntryPoint(const boost::dll::shared_library& library) {
    if (!library.has(RELAYSYNC_PLUGIN_ENTRY_POINT))
        throw PluginFault("not a relaysync plugin (no " RELAYSYNC_PLUGIN_ENTRY_POINT " entry point)");
    auto& entry = library.get<sdk::PluginEntryPoint>(RELAYSYNC_PLUGIN_ENTRY_POINT);
    try {
        return entry();
    } catch (const std::exception& e) {
        throw PluginFault(std::string(RELAYSYNC_PLUGIN_ENTRY_POINT " threw: ") + e.what());
    } catch (...) {
        throw PluginFault(RELAYSYNC_PLUGIN_ENTRY_POINT " threw an unknown exception");
    }
}

// Reads the version fields first: a descriptor from another ABI may differ after them.
void checkAbi(const sdk::PluginDescriptor& descriptor) {
    const auto major = descriptor.abi_major;
    const auto minor = descriptor.abi_minor;
    const auto built_for = "built for SDK ABI " + std::to_string(major) + "." + std::to_string(minor);
    const auto host_major = std::to_string(RELAYSYNC_SDK_ABI_MAJOR);
    if (major != RELAYSYNC_SDK_ABI_MAJOR)
        throw PluginFault(built_for + ", this host supports " + host_major + ".x");
    if (minor > RELAYSYNC_SDK_ABI_MINOR)
        throw PluginFault(built_for + ", this host supports up to " + host_major + "." +
                          std::to_string(RELAYSYNC_SDK_ABI_MINOR) + "; upgrade relaysync or rebuild the plugin "
                          "against this host's SDK");
    // Only now is the third field known to be where 2.x puts it.
    const std::string host_library = RELAYSYNC_SDK_CXX_ABI;
    const char* plugin_library = descriptor.cxx_abi;
    if (!plugin_library || host_library != plugin_library)
        throw PluginFault(std::string("built against the C++ standard library ABI '") +
                          (plugin_library ? plugin_library : "(none)") + "', this host uses '" + host_library +
                          "'; rebuild the plugin with the same compiler and standard library as the host");
}

void checkForm(const sdk::PluginDescriptor& descriptor) {
    auto malformed = [](const std::string& what) {
        return PluginFault("malformed descriptor: " + what);
    };
    if (!descriptor.name || !*descriptor.name) throw malformed("no name");
    if (!descriptor.create) throw malformed("no create function");
    if (!descriptor.destroy) throw malformed("no destroy function");
    if (descriptor.config_key_count > 0 && !descriptor.config_keys) throw malformed("no key table");
    for (std::size_t i = 0; i < descriptor.config_key_count; ++i) {
        if (!descriptor.config_keys[i].name || !*descriptor.config_keys[i].name)
            throw malformed("config key " + std::to_string(i) + " has no name");
    }
}

}  // namespace

std::shared_ptr<const sdk::PluginDescriptor> loadPluginLibrary(const std::filesystem::path& file) {
    auto library = openLibrary(file);
    const auto* descriptor = callEntryPoint(*library);
    if (!descriptor) throw PluginFault(RELAYSYNC_PLUGIN_ENTRY_POINT " returned no descriptor");
    checkAbi(*descriptor);
    checkForm(*descriptor);
    // The descriptor lives in the library: share ownership of the library through it.
    return std::shared_ptr<const sdk::PluginDescriptor>(std::move(library), descriptor);
}

}  // namespace relaysync::core::plugin_host
