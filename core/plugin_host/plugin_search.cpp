#include "plugin_host/plugin_search.h"

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "plugin_host/plugin_fault.h"

#ifndef RELAYSYNC_PLUGIN_INSTALL_DIR
#error "RELAYSYNC_PLUGIN_INSTALL_DIR must be defined by the build (core/plugin_host/CMakeLists.txt)"
#endif

namespace fs = std::filesystem;

namespace relaysync::core::plugin_host {
namespace {

constexpr const char* kPluginDirVariable = "RELAYSYNC_PLUGIN_DIR";

void appendFolders(std::vector<std::string>& folders, const std::string& list) {
    std::string::size_type start = 0;
    while (start <= list.size()) {
        const auto end = std::min(list.find(':', start), list.size());
        folders.push_back(list.substr(start, end - start));
        start = end + 1;
    }
}

// A regular file (or a link to one) at `path`; never throws.
bool isFile(const fs::path& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

fs::path absoluteOf(const fs::path& path) {
    std::error_code ec;
    auto absolute = fs::absolute(path, ec);
    return ec ? path : absolute.lexically_normal();
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) {
        if (!text.empty()) text += ", ";
        text += item;
    }
    return text;
}

}  // namespace

const char* kindWord(sdk::PluginKind kind) noexcept {
    switch (kind) {
    case sdk::PluginKind::transport: return "transport";
    case sdk::PluginKind::resource_store: return "storage";
    case sdk::PluginKind::entity_checker: return "checker";
    }
    return "unknown";
}

std::string pluginFileName(sdk::PluginKind kind, const std::string& name) {
    return std::string("relaysync-") + kindWord(kind) + "-" + name + ".so";
}

bool isPluginPath(const std::string& plugin) noexcept {
    return plugin.find('/') != std::string::npos;
}

std::string installedPluginDir() {
    return RELAYSYNC_PLUGIN_INSTALL_DIR;
}

std::vector<std::string> pluginSearchPaths(std::vector<std::string> given) {
    std::vector<std::string> all = std::move(given);
    if (const char* env = std::getenv(kPluginDirVariable)) appendFolders(all, env);
    all.push_back(installedPluginDir());

    std::vector<std::string> folders;
    for (auto& folder : all) {
        if (folder.empty()) continue;
        if (std::find(folders.begin(), folders.end(), folder) != folders.end()) continue;
        folders.push_back(std::move(folder));
    }
    return folders;
}

fs::path locatePlugin(sdk::PluginKind kind, const std::string& plugin,
                      const std::vector<std::string>& search_paths) {
    if (plugin.empty()) throw PluginFault("no plugin name given");

    if (isPluginPath(plugin)) {
        const fs::path path(plugin);
        std::error_code ec;
        if (!fs::exists(path, ec)) throw PluginFault("no such file");
        if (!isFile(path)) throw PluginFault("not a regular file");
        return absoluteOf(path);
    }

    const auto file_name = pluginFileName(kind, plugin);
    for (const auto& folder : search_paths) {
        const auto candidate = fs::path(folder) / file_name;
        if (isFile(candidate)) return absoluteOf(candidate);
    }
    throw PluginFault("not found in " + joined(search_paths));
}

}  // namespace relaysync::core::plugin_host
