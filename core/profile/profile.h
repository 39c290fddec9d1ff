#pragma once
// A site's YAML profile, as loaded and validated: who this node is and which plugins it uses.
// The file format is documented in docs/profile.md; config/ holds examples.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/gone_entity_mode.h"
#include "relaysync/sdk/plugin_config.h"

namespace relaysync::core {

enum class NodeRole { relay, terminal };


// Where a value came from, for error messages: "config/r1.yaml:12:5".
struct SourcePosition {
    std::string file;
    int line = 0;    // 1-based; 0 when unknown
    int column = 0;  // 1-based; 0 when unknown
    std::string toString() const;
};

// `plugin: <name or path>` plus its own `config:` sub-map.
struct PluginChoice {
    std::string plugin;  // a name ("local") or a path to a .so (contains '/')
    sdk::PluginConfig config;
    SourcePosition position;                            // of the `plugin:` key
    std::map<std::string, SourcePosition> key_positions;  // of each config key
};

struct StoreProfile {
    // Location prefix this store serves: an entry's location "c:/folderA/x.txt" is served by
    // the store with prefix "c:" at path "folderA/x.txt".
    std::string prefix;
    PluginChoice plugin;
};

struct LogSettings {
    std::string level = "information";  // Poco level names: fatal ... trace
    std::string file;                   // empty: standard error
    // false: the daemon rotates the file itself (10 MB, five archives kept); true: something else
    // (logrotate) does, and SIGHUP makes the daemon reopen the file.
    bool external_rotation = false;
};

// The words a profile uses for these: "relay", "terminal"; "mark", "remove".
std::string_view toString(NodeRole role);
std::string_view toString(GoneEntityMode mode);

struct AdminSettings {
    // The daemon's local admin socket (Unix domain, mode 0600). Empty: next to the database,
    // "<database file>.sock".
    std::string socket;
    // Empty: only the daemon's own user (and root) may use the socket. Else a group of which the
    // daemon's user is a member: the socket is given to it with mode 0660.
    std::string group;
    // What one connection may cost (admin/admin_limits.h has the meaning of each).
    std::int64_t read_timeout_ms = 10'000;
    std::size_t max_request_bytes = 1024 * 1024;
    std::size_t max_connections = 32;
    std::size_t workers = 4;
    std::int64_t write_timeout_ms = 10'000;
};

// `metrics:` the Prometheus endpoint (docs/metrics.md). No section: no endpoint.
struct MetricsSettings {
    std::string listen;  // as written: "127.0.0.1:9464", "[::1]:9464", "0.0.0.0:9464"; empty: none
    std::string host;    // its parts ("::1" without brackets)
    unsigned port = 0;
    // TLS when `certificate` is set (with `private_key`); `ca` also asks every client for a
    // certificate signed by it.
    std::string certificate, private_key, ca;
    // A listen address other than loopback serves plain HTTP only with this set to true.
    bool allow_plaintext_remote = false;
    // What one connection may cost (metrics/endpoint_settings.h has the meaning of each).
    std::int64_t read_timeout_ms = 5'000;
    std::size_t max_request_bytes = 8 * 1024;
    std::size_t max_connections = 16;
    std::int64_t write_timeout_ms = 10'000;
};

// Whether `host` (an IP literal or "localhost") can only be reached from this machine.
bool isLoopbackHost(std::string_view host);

// `remote_access:` (terminals): what members may do with what this terminal shares, through
// it (docs/profile.md). Levels are "info" (nothing is read for anyone), "browse" (folders are
// listed) and "read" (listed and fetched).
struct RemoteAccessProfile {
    std::string default_level = "read";
    std::map<std::string, std::string> shares;   // share name or id -> level
    std::map<std::string, std::string> entries;  // "SHARE/ENTRY" -> level
};

struct Profile {
    std::string source;  // the file it was read from

    NodeRole role = NodeRole::relay;
    std::string account;       // e.g. "relay-server1@net", "client11@relay-server1.net"
    std::string display_name;  // e.g. "Tokyo"
    std::string department;    // terminals: the department attribute of Fig. 6
    std::string relay;         // terminals: the account of their site's relay

    // "sqlite:<file>" or "postgresql:<connection string>".
    std::string database;

    PluginChoice transport;
    std::vector<StoreProfile> stores;  // terminals only
    PluginChoice checker;              // default plugin name "timestamp-size" (built into core)

    GoneEntityMode gone_entity = GoneEntityMode::mark;
    // A check that would remove or mark gone more entries than this changes nothing instead.
    std::size_t max_removals_per_check = 100;
    // `sync.store_call_timeout_ms`: how long looking at one entity may take.
    std::int64_t store_call_timeout_ms = 120'000;

    // Relays only (`groups:`): relays whose invitations are accepted unattended ("*": any), and
    // the terminals registered at this relay that `add-terminal` accepts.
    std::vector<std::string> accept_invitations_from;
    std::vector<std::string> terminals;

    // `limits.max_payload_bytes`: the largest message this node sends.
    std::size_t max_payload_bytes = 4 * 1024 * 1024;
    // `limits.deferred_*`: how much may wait for what it depends on, per sender and in all.
    std::size_t deferred_messages_per_sender = 50;
    std::size_t deferred_bytes_per_sender = 16 * 1024 * 1024;
    std::size_t deferred_messages = 1000;
    std::size_t deferred_bytes = 64 * 1024 * 1024;

    // `retention:` what the node keeps of its history.
    std::int64_t tombstone_days = 90;
    std::size_t keep_sync_results = 200;
    std::size_t keep_dead_letters = 1000;

    RemoteAccessProfile remote_access;  // terminals only

    std::vector<std::string> plugin_paths;  // searched in order before the built-in default
    LogSettings log;
    AdminSettings admin;
    MetricsSettings metrics;
};

}  // namespace relaysync::core
