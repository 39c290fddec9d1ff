#include "plugin_host/plugin_error.h"

#include <utility>

namespace relaysync::core {
namespace {

std::string describeError(sdk::PluginKind kind, const std::string& plugin, const std::string& file,
                          const std::string& reason, const SourcePosition& position) {
    std::string text;
    if (isKnown(position)) text += position.toString() + ": ";
    text += std::string(sdk::toString(kind)) + " plugin '" + plugin + "'";
    if (!file.empty() && file != plugin) text += " (" + file + ")";
    text += ": " + reason;
    return text;
}

}  // namespace

bool isKnown(const SourcePosition& position) noexcept {
    return !position.file.empty() || position.line > 0;
}

PluginError::PluginError(sdk::PluginKind kind, std::string plugin, std::string file,
                         std::string reason, const SourcePosition& position)
    : std::runtime_error(describeError(kind, plugin, file, reason, position)),
      kind_(kind),
      plugin_(std::move(plugin)),
      file_(std::move(file)),
      reason_(std::move(reason)) {}

}  // namespace relaysync::core
