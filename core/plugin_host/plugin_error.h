#pragma once
// The one error the plugin host reports: which plugin, which file, and why, in one line that an
// operator can act on. Never carries config values (they may be secrets), only key names.

#include <stdexcept>
#include <string>

#include "profile/profile.h"
#include "relaysync/sdk/plugin.h"

namespace relaysync::core {

class PluginError : public std::runtime_error {
public:
    // what(): "[<position>: ]<kind> plugin '<plugin>'[ (<file>)]: <reason>", e.g.
    // "config/r1.yaml:12:5: transport plugin 'sip' (/usr/lib/.../relaysync-transport-sip.so):
    //  built for SDK ABI 2.0, this host supports 1.x". The position is left out when unknown.
    PluginError(sdk::PluginKind kind, std::string plugin, std::string file, std::string reason,
                const SourcePosition& position = {});

    sdk::PluginKind kind() const noexcept { return kind_; }
    // As the profile wrote it: a name ("local") or a path.
    const std::string& plugin() const noexcept { return plugin_; }
    // The file loaded, or the file name looked for when none was found.
    const std::string& file() const noexcept { return file_; }
    // Why, without the plugin, file and position.
    const std::string& reason() const noexcept { return reason_; }

private:
    sdk::PluginKind kind_;
    std::string plugin_;
    std::string file_;
    std::string reason_;
};

// Whether a position came from a real profile (and is worth printing).
bool isKnown(const SourcePosition& position) noexcept;

}  // namespace relaysync::core
