#pragma once
// A relay or terminal put together from its YAML profile: the plugins it names (transport,
// resource stores, entity checker) made by the plugin host, and its database opened.

#include <memory>

#include "engine/resource_check.h"
#include "plugin_host/plugin_host.h"
#include "profile/profile.h"
#include "runtime/node.h"

namespace relaysync::core {

// Builds the node `profile` describes, not yet started (Node::start). Plugins are made first,
// so a profile with a bad plugin leaves no database file behind.
//
// `transport_override`, when given, is used instead of the profile's transport, whose plugin is
// then neither loaded nor checked (the in-process network of the demo and the tests).
//
// A terminal's stores are mounted under their prefixes; its checker is the built-in
// TimestampSizeChecker when the profile names "timestamp-size", else the named plugin.
//
// Throws, each with a one-line message that names profile.source:
//   PluginError            a plugin cannot be found, loaded, configured or created;
//   ProfileError           the built-in checker is given config keys (it takes none);
//   DatabaseError          the database cannot be opened or migrated;
//   std::invalid_argument  the parts do not fit together (e.g. two stores on one prefix).
std::unique_ptr<Node> buildNode(const Profile& profile, PluginHost& host,
                                std::shared_ptr<sdk::Transport> transport_override = nullptr);

// What a terminal does with gone entities, from the profile's `sync:` section.
CheckPolicy checkPolicyOf(const Profile& profile);

// Remote access at the node, from the profile's `remote_access:` and `limits:` sections.
RemoteAccessSettings remoteAccessSettingsOf(const Profile& profile);

}  // namespace relaysync::core
