#include "sip_config.h"

#include <charconv>
#include <stdexcept>

#include "config_reader.h"
#include "config_text.h"

namespace relaysync::transport_sip {

namespace {

using plugin_common::trim;

[[noreturn]] void fail(const std::string& key, const std::string& what) { plugin_common::failKey(key, what); }

using plugin_common::ConfigReader;

bool uriSafe(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
           std::string_view("-_.!~*'()+$,;?/&=").find(c) != std::string_view::npos;
}

// "host:port" of `key` into host and port.
void parseHostPort(const char* key, const std::string& text, std::string& host, std::uint16_t& port_number) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) fail(key, "'" + text + "' is not host:port");
    host = text.substr(0, colon);
    const std::string port = text.substr(colon + 1);
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
        fail(key, "'" + text + "' needs a port from 1 to 65535");
    port_number = static_cast<std::uint16_t>(value);
}

void parseSiteRegistrar(const ConfigReader& read, SipConfig& parsed) {
    const std::string listen = trim(read.text("lan_listen"));
    const std::string transport = trim(read.text("lan_transport"));
    if (transport != "tcp" && transport != "tls") fail("lan_transport", "'" + transport + "' is neither tcp nor tls");
    parsed.lan_tls = transport == "tls";
    parsed.lan_certificate = trim(read.text("lan_certificate"));
    parsed.lan_private_key = trim(read.text("lan_private_key"));
    parsed.terminal_accounts_file = trim(read.text("terminal_accounts_file"));
    parsed.lan_max_connections = read.number("lan_max_connections", 1, 65536);
    parsed.lan_max_connections_per_address = read.number("lan_max_connections_per_address", 1, 65536);
    parsed.lan_register_timeout = read.duration("lan_register_timeout_ms", 100);
    parsed.lan_max_failed_registers = read.number("lan_max_failed_registers", 1, 100000);
    if (listen.empty()) {
        for (const char* key : {"lan_certificate", "lan_private_key", "terminal_accounts_file"})
            if (!trim(read.text(key)).empty()) fail(key, "only used with lan_listen");
        return;
    }
    parseHostPort("lan_listen", listen, parsed.lan_host, parsed.lan_port);
    if (parsed.terminal_accounts_file.empty())
        fail("terminal_accounts_file", "required with lan_listen (the terminals that may register here)");
    if (parsed.lan_tls && (parsed.lan_certificate.empty() || parsed.lan_private_key.empty()))
        fail(parsed.lan_certificate.empty() ? "lan_certificate" : "lan_private_key", "required with lan_transport: tls");
    if (!parsed.lan_tls)
        for (const char* key : {"lan_certificate", "lan_private_key"})
            if (!trim(read.text(key)).empty()) fail(key, "only used with lan_transport: tls");
}

}  // namespace

std::string accountProblem(const std::string& account) {
    const auto at = account.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == account.size() || account.find('@', at + 1) != std::string::npos)
        return "not user@domain";
    if (account.size() > 255) return "longer than 255 bytes";
    for (const char c : account)
        if (c != '@' && !uriSafe(c)) return "has a character not allowed in a SIP URI";
    return {};
}

SipConfig parseConfig(const sdk::PluginConfig& config) {
    const ConfigReader read(config, kConfigKeys, "the sip transport");
    SipConfig parsed;
    parseHostPort("server", trim(read.text("server")), parsed.server_host, parsed.server_port);
    const std::string transport = trim(read.text("transport"));
    if (transport != "tcp" && transport != "tls") fail("transport", "'" + transport + "' is neither tcp nor tls");
    parsed.tls = transport == "tls";
    parsed.ca_file = trim(read.text("ca"));
    parsed.tls_server_name = trim(read.text("tls_server_name"));
    parsed.certificate = trim(read.text("certificate"));
    parsed.private_key = trim(read.text("private_key"));
    if (parsed.tls) {
        if (parsed.ca_file.empty()) fail("ca", "required with transport: tls (the CA file the server's certificate is checked against)");
        if (parsed.tls_server_name.empty()) {
            parsed.tls_server_name = parsed.server_host;
            // [::1]:5061 names the address ::1.
            if (parsed.tls_server_name.size() > 2 && parsed.tls_server_name.front() == '[' && parsed.tls_server_name.back() == ']')
                parsed.tls_server_name = parsed.tls_server_name.substr(1, parsed.tls_server_name.size() - 2);
        }
        if (parsed.certificate.empty() != parsed.private_key.empty())
            fail(parsed.certificate.empty() ? "certificate" : "private_key", "certificate and private_key go together");
    } else {
        for (const char* key : {"ca", "tls_server_name", "certificate", "private_key"})
            if (!trim(read.text(key)).empty()) fail(key, "only used with transport: tls");
    }
    parsed.username = trim(read.text("username"));
    for (const char c : parsed.username)
        if (!uriSafe(c)) fail("username", "has a character not allowed in a SIP user name");
    parsed.password = read.text("password");
    if (parsed.password.empty()) fail("password", "must not be empty");
    if (parsed.password.find_first_of("\r\n\"\\") != std::string::npos)
        fail("password", "must not contain line breaks, quotes or backslashes");
    parsed.realm = trim(read.text("realm"));
    parsed.expires = std::chrono::seconds(read.number("expires_s", 10, 86400));

    const std::string relays = read.text("relay_accounts");
    for (std::size_t start = 0; start <= relays.size();) {
        const auto comma = relays.find(',', start);
        const std::string item = trim(relays.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!item.empty()) {
            if (const auto problem = accountProblem(item); !problem.empty()) fail("relay_accounts", "'" + item + "': " + problem);
            parsed.relay_accounts.insert(item);
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }

    parsed.max_payload_bytes = read.number("max_payload_bytes", 1024, kMaxPayloadCeiling);
    parsed.connect_timeout = read.duration("connect_timeout_ms", 1);
    parsed.transaction_timeout = read.duration("transaction_timeout_ms", 100);
    parsed.keepalive = read.duration("keepalive_ms", 100);
    parsed.keepalive_timeout = read.duration("keepalive_timeout_ms", 10);
    parsed.reconnect_initial = read.duration("reconnect_initial_ms", 1);
    parsed.reconnect_max = read.duration("reconnect_max_ms", 1);
    if (parsed.reconnect_max < parsed.reconnect_initial)
        fail("reconnect_max_ms", "must not be smaller than reconnect_initial_ms");
    parsed.delivery_threads = read.number("delivery_threads", 1, 64);
    parsed.delivery_queue = read.number("delivery_queue", 1, 100000);
    parsed.probe_interval = std::chrono::milliseconds(read.number("probe_interval_ms", 0, 24ull * 3600 * 1000));
    parsed.warnings_per_source = read.number("warnings_per_source", 1, 100000);
    parsed.warnings_window = read.duration("warnings_window_ms", 100);
    parseSiteRegistrar(read, parsed);
    return parsed;
}

}  // namespace relaysync::transport_sip
