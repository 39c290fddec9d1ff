#include "profile/profile_reader.h"

#include <algorithm>
#include <cctype>
#include <type_traits>
#include <vector>

#include "profile/profile_loader.h"

namespace relaysync::core {
namespace {

constexpr const char* kDefaultChecker = "timestamp-size";

bool hasWhitespace(const std::string& text) {
    return std::any_of(text.begin(), text.end(),
                       [](unsigned char c) { return std::isspace(c) != 0; });
}

std::string readAccount(const YamlField& field) {
    std::string account = field.nonEmptyText();
    if (hasWhitespace(account)) {
        field.failAtValue("an account must not contain whitespace, got " + field.quoted(account));
    }
    return account;
}

void readVersion(const YamlField& field) {
    const std::string version = field.text();
    if (version != std::to_string(kProfileFormatVersion)) {
        field.failAtValue("unsupported profile format version " + field.quoted(version) +
                          "; this relaysync reads version " + std::to_string(kProfileFormatVersion));
    }
}

void readNode(const YamlField& field, Profile& profile) {
    const YamlMapping node = field.mapping();
    node.allowOnly({"role", "account", "display_name", "department", "relay"});

    profile.role = node.require("role").choice({"relay", "terminal"}) == "relay"
                       ? NodeRole::relay
                       : NodeRole::terminal;
    profile.account = readAccount(node.require("account"));
    const auto display_name = node.find("display_name");
    profile.display_name = display_name ? display_name->text() : profile.account;

    const auto department = node.find("department");
    const auto relay = node.find("relay");
    if (profile.role == NodeRole::relay) {
        if (department) department->failAtKey("only a terminal has a department; remove it");
        if (relay) relay->failAtKey("a relay has no relay of its own; only terminals name one");
        return;
    }
    if (department) profile.department = department->text();
    const YamlField relay_field = node.require("relay", "a terminal names its site's relay");
    profile.relay = readAccount(relay_field);
    if (profile.relay == profile.account) {
        relay_field.failAtValue("a terminal's relay must be another account than its own");
    }
}

// True for text shaped like a URI scheme (RFC 3986: a letter, then letters, digits, '+', '-',
// '.'), and short: only such a prefix may be quoted, since a mistyped separator can put a whole
// connection string, password included, before the first ':'.
bool looksLikeScheme(const std::string& text) {
    if (text.empty() || text.size() > 16 || !std::isalpha(static_cast<unsigned char>(text[0]))) return false;
    for (const char c : text) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
    }
    return true;
}

// "sqlite:<file>" or "postgresql:<connection string>". A connection string may hold a
// password, so only a scheme-shaped prefix (the text before the first ':') is ever quoted.
std::string readDatabase(const YamlField& field) {
    const std::string value = field.nonEmptyText();
    const std::string expected = "expected 'sqlite:<file>' or 'postgresql:<connection string>'";
    const auto colon = value.find(':');
    if (colon == std::string::npos) field.failAtValue(expected + ", got no scheme");
    const std::string scheme = value.substr(0, colon);
    const bool rest_empty = colon + 1 == value.size();
    if (scheme == "sqlite") {
        if (rest_empty) field.failAtValue("'sqlite:' needs a file name after it");
    } else if (scheme == "postgresql") {
        if (rest_empty) field.failAtValue("'postgresql:' needs a connection string after it");
    } else {
        if (!looksLikeScheme(scheme)) field.failAtValue(expected + ", got no known scheme");
        field.failAtValue(expected + ", got scheme '" + scheme + "'");
    }
    return value;
}

// The `plugin:` and `config:` keys of a section (transport, checker, one store).
PluginChoice readPluginChoice(const YamlMapping& section) {
    PluginChoice choice;
    const YamlField plugin = section.require("plugin");
    choice.plugin = plugin.nonEmptyText();
    choice.position = plugin.keyPosition();
    if (const auto config = section.find("config")) {
        const YamlMapping entries = config->mapping();
        for (const auto& [name, value] : entries.entries()) {
            choice.config[name] = value.text();
            choice.key_positions[name] = value.keyPosition();
        }
    }
    return choice;
}

PluginChoice readPluginSection(const YamlField& field) {
    const YamlMapping section = field.mapping();
    section.allowOnly({"plugin", "config"});
    return readPluginChoice(section);
}

void readStores(const YamlField& field, Profile& profile) {
    const std::vector<YamlField> items = field.sequence();
    if (profile.role == NodeRole::relay && !items.empty()) {
        field.failAtKey("only a terminal has stores; a relay owns no resource entities");
    }
    std::vector<YamlField> prefix_fields;
    for (const YamlField& item : items) {
        const YamlMapping store = item.mapping();
        store.allowOnly({"prefix", "plugin", "config"});
        const YamlField prefix_field = store.require("prefix");
        StoreProfile result;
        result.prefix = prefix_field.nonEmptyText();
        for (std::size_t i = 0; i < profile.stores.size(); ++i) {
            if (profile.stores[i].prefix != result.prefix) continue;
            prefix_field.failAtValue("prefix " + prefix_field.quoted(result.prefix) +
                                     " is already used by " + prefix_fields[i].path() +
                                     " (line " +
                                     std::to_string(prefix_fields[i].valuePosition().line) + ")");
        }
        result.plugin = readPluginChoice(store);
        profile.stores.push_back(std::move(result));
        prefix_fields.push_back(prefix_field);
    }
}

void readSync(const YamlField& field, Profile& profile) {
    const YamlMapping sync = field.mapping();
    sync.allowOnly({"gone_entity", "max_removals_per_check", "store_call_timeout_ms"});
    if (const auto gone = sync.find("gone_entity")) {
        profile.gone_entity = gone->choice({"mark", "remove"}) == "mark" ? GoneEntityMode::mark
                                                                          : GoneEntityMode::remove;
    }
    if (const auto limit = sync.find("max_removals_per_check")) {
        profile.max_removals_per_check = static_cast<std::size_t>(limit->count());
    }
    if (const auto timeout = sync.find("store_call_timeout_ms")) {
        const auto value = timeout->count();
        if (value < 100 || value > 3'600'000)
            timeout->failAtValue("store_call_timeout_ms must be between 100 and 3600000");
        profile.store_call_timeout_ms = static_cast<std::int64_t>(value);
    }
}

void readGroups(const YamlField& field, Profile& profile) {
    if (profile.role != NodeRole::relay) field.failAtKey("only a relay forms groups and admits terminals");
    const YamlMapping groups = field.mapping();
    groups.allowOnly({"accept_invitations_from", "terminals"});
    if (const auto relays = groups.find("accept_invitations_from"))
        for (const YamlField& relay : relays->sequence()) profile.accept_invitations_from.push_back(relay.nonEmptyText());
    if (const auto terminals = groups.find("terminals"))
        for (const YamlField& terminal : terminals->sequence()) profile.terminals.push_back(terminal.nonEmptyText());
}

void readRetention(const YamlField& field, Profile& profile) {
    const YamlMapping retention = field.mapping();
    retention.allowOnly({"tombstone_days", "sync_results", "dead_letters"});
    if (const auto days = retention.find("tombstone_days")) {
        profile.tombstone_days = static_cast<std::int64_t>(days->count());
        if (profile.tombstone_days < 1) days->failAtValue("tombstone_days must be at least 1");
    }
    if (const auto results = retention.find("sync_results")) profile.keep_sync_results = results->count();
    if (const auto letters = retention.find("dead_letters")) profile.keep_dead_letters = letters->count();
}

void readLimits(const YamlField& field, Profile& profile) {
    const YamlMapping limits = field.mapping();
    limits.allowOnly({"max_payload_bytes", "deferred_messages_per_sender", "deferred_bytes_per_sender",
                      "deferred_messages", "deferred_bytes"});
    if (const auto bytes = limits.find("max_payload_bytes")) {
        const auto value = bytes->count();
        if (value < 16 * 1024 || value > 4 * 1024 * 1024)
            bytes->failAtValue("max_payload_bytes must be between 16384 and 4194304");
        profile.max_payload_bytes = static_cast<std::size_t>(value);
    }
    // Each bound must leave room for at least one largest message.
    const auto readBound = [&](const char* key, std::size_t minimum, std::size_t& into) {
        if (const auto bound = limits.find(key)) {
            const auto value = static_cast<std::size_t>(bound->count());
            if (value < minimum) bound->failAtValue(std::string(key) + " must be at least " + std::to_string(minimum));
            into = value;
        }
    };
    readBound("deferred_messages_per_sender", 1, profile.deferred_messages_per_sender);
    readBound("deferred_bytes_per_sender", 4 * 1024 * 1024, profile.deferred_bytes_per_sender);
    readBound("deferred_messages", 1, profile.deferred_messages);
    readBound("deferred_bytes", 4 * 1024 * 1024, profile.deferred_bytes);
}

void readPlugins(const YamlField& field, Profile& profile) {
    const YamlMapping plugins = field.mapping();
    plugins.allowOnly({"paths"});
    if (const auto paths = plugins.find("paths")) {
        for (const YamlField& path : paths->sequence()) {
            profile.plugin_paths.push_back(path.nonEmptyText());
        }
    }
}

void readLog(const YamlField& field, Profile& profile) {
    const YamlMapping log = field.mapping();
    log.allowOnly({"level", "file", "rotation"});
    if (const auto level = log.find("level")) {
        profile.log.level = level->choice({"fatal", "critical", "error", "warning", "notice",
                                           "information", "debug", "trace"});
    }
    if (const auto file = log.find("file")) profile.log.file = file->text();
    if (const auto rotation = log.find("rotation"))
        profile.log.external_rotation = rotation->choice({"builtin", "external"}) == "external";
}

void readAdmin(const YamlField& field, Profile& profile) {
    const YamlMapping admin = field.mapping();
    admin.allowOnly({"socket", "group", "read_timeout_ms", "max_request_bytes", "max_connections", "workers",
                     "write_timeout_ms"});
    if (const auto socket = admin.find("socket")) profile.admin.socket = socket->nonEmptyText();
    if (const auto group = admin.find("group")) profile.admin.group = group->nonEmptyText();
    const auto readCount = [&](const char* key, std::uint64_t low, std::uint64_t high, auto& into) {
        if (const auto field = admin.find(key)) {
            const auto value = field->count();
            if (value < low || value > high)
                field->failAtValue(std::string(key) + " must be between " + std::to_string(low) + " and " +
                                   std::to_string(high));
            into = static_cast<std::remove_reference_t<decltype(into)>>(value);
        }
    };
    readCount("read_timeout_ms", 100, 3'600'000, profile.admin.read_timeout_ms);
    readCount("max_request_bytes", 1024, 64 * 1024 * 1024, profile.admin.max_request_bytes);
    readCount("max_connections", 2, 4096, profile.admin.max_connections);
    readCount("workers", 1, 64, profile.admin.workers);
    readCount("write_timeout_ms", 100, 3'600'000, profile.admin.write_timeout_ms);
}

// "host:port" or "[v6 address]:port"; the port 1-65535.
void readListen(const YamlField& field, MetricsSettings& metrics) {
    const std::string listen = field.nonEmptyText();
    const std::string expected = "expected 'host:port' or '[IPv6 address]:port', got " + field.quoted(listen);
    std::string host, port;
    if (listen.front() == '[') {
        const auto close = listen.find(']');
        if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':')
            field.failAtValue(expected);
        host = listen.substr(1, close - 1);
        port = listen.substr(close + 2);
    } else {
        const auto colon = listen.rfind(':');
        if (colon == std::string::npos || listen.find(':') != colon) field.failAtValue(expected);
        host = listen.substr(0, colon);
        port = listen.substr(colon + 1);
    }
    if (host.empty() || hasWhitespace(host)) field.failAtValue(expected);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) {
            return std::isdigit(c) != 0;
        }))
        field.failAtValue(expected);
    const auto number = std::stoul(port);
    if (number < 1 || number > 65535) field.failAtValue("the port must be between 1 and 65535");
    metrics.listen = listen;
    metrics.host = host;
    metrics.port = static_cast<unsigned>(number);
}

void readMetrics(const YamlField& field, Profile& profile) {
    const YamlMapping section = field.mapping();
    section.allowOnly({"listen", "certificate", "private_key", "ca", "allow_plaintext_remote", "read_timeout_ms",
                       "max_request_bytes", "max_connections", "write_timeout_ms"});
    auto& metrics = profile.metrics;
    const YamlField listen = section.require("listen", "where the endpoint listens, e.g. 127.0.0.1:9464");
    readListen(listen, metrics);
    if (const auto certificate = section.find("certificate")) metrics.certificate = certificate->nonEmptyText();
    if (const auto key = section.find("private_key")) metrics.private_key = key->nonEmptyText();
    if (const auto ca = section.find("ca")) metrics.ca = ca->nonEmptyText();
    if (metrics.certificate.empty() != metrics.private_key.empty())
        field.failAtKey("certificate and private_key go together: TLS needs both");
    if (!metrics.ca.empty() && metrics.certificate.empty())
        field.failAtKey("ca checks clients' certificates over TLS: it needs certificate and private_key");
    if (const auto plaintext = section.find("allow_plaintext_remote"))
        metrics.allow_plaintext_remote = plaintext->choice({"true", "false"}) == "true";
    if (!isLoopbackHost(metrics.host) && metrics.certificate.empty() && !metrics.allow_plaintext_remote)
        listen.failAtValue("listening on " + listen.quoted(metrics.listen) +
                           " (not loopback) without TLS would show the metrics to the network in clear: add "
                           "certificate and private_key, or allow_plaintext_remote: true");
    const auto readCount = [&](const char* key, std::uint64_t low, std::uint64_t high, auto& into) {
        if (const auto value_field = section.find(key)) {
            const auto value = value_field->count();
            if (value < low || value > high)
                value_field->failAtValue(std::string(key) + " must be between " + std::to_string(low) + " and " +
                                         std::to_string(high));
            into = static_cast<std::remove_reference_t<decltype(into)>>(value);
        }
    };
    readCount("read_timeout_ms", 100, 600'000, metrics.read_timeout_ms);
    readCount("max_request_bytes", 1024, 1024 * 1024, metrics.max_request_bytes);
    readCount("max_connections", 2, 1024, metrics.max_connections);
    readCount("write_timeout_ms", 100, 600'000, metrics.write_timeout_ms);
}

// remote_access: {default: LEVEL, shares: {SHARE: LEVEL}, entries: {"SHARE/ENTRY": LEVEL}}.
void readRemoteAccess(const YamlField& field, Profile& profile) {
    if (profile.role == NodeRole::relay)
        field.failAtKey("remote_access is for terminals: a relay shares nothing of its own");
    const YamlMapping section = field.mapping();
    section.allowOnly({"default", "shares", "entries"});
    static const std::initializer_list<std::string_view> kLevels{"info", "browse", "read"};
    if (const auto level = section.find("default")) profile.remote_access.default_level = level->choice(kLevels);
    const auto readLevels = [&](const char* key, std::map<std::string, std::string>& into, bool entry) {
        const auto levels = section.find(key);
        if (!levels) return;
        const YamlMapping mapping = levels->mapping();
        for (const auto& [name, level] : mapping.entries()) {
            if (entry && (name.find('/') == std::string::npos || name.front() == '/' || name.back() == '/'))
                level.failAtValue("an entry is named 'SHARE/ENTRY' (a share's name or id, a resource's name), not '" +
                                  name + "'");
            into[name] = level.choice(kLevels);
        }
    };
    readLevels("shares", profile.remote_access.shares, false);
    readLevels("entries", profile.remote_access.entries, true);
}

}  // namespace

Profile readProfile(const YamlField& document) {
    const YamlMapping root = document.mapping();
    // The version first: a newer profile's unknown keys are better explained by its version.
    readVersion(root.require("relaysync", "the profile format version: write 'relaysync: 1'"));
    root.allowOnly({"relaysync", "node", "database", "transport", "stores", "checker", "sync", "groups",
                    "retention", "limits", "plugins", "log", "admin", "metrics", "remote_access"});

    Profile profile;
    readNode(root.require("node"), profile);
    profile.database = readDatabase(root.require("database"));
    profile.transport = readPluginSection(root.require("transport"));
    if (const auto stores = root.find("stores")) readStores(*stores, profile);

    if (const auto checker = root.find("checker")) {
        profile.checker = readPluginSection(*checker);
    } else {
        profile.checker.plugin = kDefaultChecker;
        profile.checker.position = document.keyPosition();
    }
    if (const auto sync = root.find("sync")) readSync(*sync, profile);
    if (const auto groups = root.find("groups")) readGroups(*groups, profile);
    if (const auto retention = root.find("retention")) readRetention(*retention, profile);
    if (const auto limits = root.find("limits")) readLimits(*limits, profile);
    if (const auto plugins = root.find("plugins")) readPlugins(*plugins, profile);
    if (const auto log = root.find("log")) readLog(*log, profile);
    if (const auto admin = root.find("admin")) readAdmin(*admin, profile);
    if (const auto metrics = root.find("metrics")) readMetrics(*metrics, profile);
    if (const auto remote = root.find("remote_access")) readRemoteAccess(*remote, profile);
    return profile;
}

}  // namespace relaysync::core
