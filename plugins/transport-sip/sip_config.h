#pragma once
// The SIP transport's settings: the key table core validates profiles against, and the parsed,
// checked form the transport runs on.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "relaysync/sdk/plugin_config.h"

namespace relaysync::transport_sip {

// Kamailio reads a TCP message into a 64 KB buffer; headers (ours and the Via/Record-Route a
// proxy adds) must fit next to the body.
inline constexpr std::size_t kMaxPayloadCeiling = 61440;

inline constexpr sdk::ConfigKey kConfigKeys[] = {
    {"server", nullptr, "host:port of the SIP server (registrar and proxy) this node registers at, e.g. sip.example.net:5060"},
    {"transport", "tcp", "tcp, or tls (then ca is required)"},
    {"ca", "", "tls: PEM file of the CA(s) the server's certificate must chain to"},
    {"tls_server_name", "", "tls: the name (DNS name or IP) the server's certificate must carry, also sent as SNI; empty: the host of server"},
    {"certificate", "", "tls: PEM client certificate (chain) to present, only if the server asks for one; empty: none"},
    {"private_key", "", "tls: unencrypted PEM key of certificate (required with it)"},
    {"username", "", "digest user name; empty: the user part of the node's account"},
    {"password", nullptr, "digest password of the account (never logged)"},
    {"realm", "", "expected digest realm; empty: whatever the server's challenge names"},
    {"expires_s", "600", "registration lifetime asked for; refreshed well before it runs out"},
    {"relay_accounts", "", "comma-separated accounts whose MESSAGEs are taken, as relays; empty: any account the server authenticated, role unknown"},
    {"max_payload_bytes", "60000", "largest payload carried in one MESSAGE (at most 61440: Kamailio's 64 KB buffers)"},
    {"connect_timeout_ms", "3000", "time allowed to connect to the server"},
    {"transaction_timeout_ms", "32000", "how long a REGISTER or MESSAGE waits for its final response (RFC 3261 Timer F)"},
    {"keepalive_ms", "20000", "send a CRLF keepalive (RFC 5626) after this much idle time"},
    {"keepalive_timeout_ms", "10000", "close and reconnect when the server does not answer a keepalive within this"},
    {"reconnect_initial_ms", "200", "first delay before reconnecting to the server; doubles after each failure"},
    {"reconnect_max_ms", "5000", "longest delay between attempts to reconnect"},
    {"delivery_threads", "4", "threads that hand received messages to relaysync (never the socket thread)"},
    {"delivery_queue", "256", "received messages waiting for a delivery thread; more are answered 503"},
    {"warnings_per_source", "20", "log lines about one source (an account, an address) per warnings_window_ms; the rest are counted and summed up in one line"},
    {"warnings_window_ms", "60000", "the period warnings_per_source counts over"},
    {"lan_max_failed_registers", "10", "with lan_listen: wrong answers to the digest challenge from one IP address per warnings_window_ms before that address is refused (403) for the rest of it"},
    {"probe_interval_ms", "30000", "relays: how often each of relay_accounts is asked OPTIONS through the server, to know whether it is there; 0: never"},
    {"lan_listen", "", "relays: host:port where this relay is the SIP registrar of its own site's terminals; empty: no terminals over SIP"},
    {"lan_transport", "tcp", "tcp, or tls (then lan_certificate and lan_private_key are required)"},
    {"lan_certificate", "", "lan_transport tls: PEM certificate (chain) the relay presents to its terminals"},
    {"lan_private_key", "", "lan_transport tls: unencrypted PEM key of lan_certificate"},
    {"terminal_accounts_file", "", "with lan_listen: file of 'ACCOUNT PASSWORD' lines, the terminals that may register here (mode 600)"},
    {"lan_max_connections", "256", "with lan_listen: connections from terminals held at once; more are closed at once"},
    {"lan_max_connections_per_address", "32", "with lan_listen: connections held at once from one IP address"},
    {"lan_register_timeout_ms", "10000", "with lan_listen: a connection that has not registered within this is closed"},
};

struct SipConfig {
    std::string server_host;
    std::uint16_t server_port = 0;
    bool tls = false;
    std::string ca_file;          // tls only
    std::string tls_server_name;  // tls only; the server host unless set
    std::string certificate;      // tls only; empty: no client certificate
    std::string private_key;
    std::string username;  // empty: the account's user part
    std::string password;
    std::string realm;
    std::chrono::seconds expires{};
    std::set<std::string> relay_accounts;
    std::size_t max_payload_bytes = 0;
    std::chrono::milliseconds connect_timeout{};
    std::chrono::milliseconds transaction_timeout{};
    std::chrono::milliseconds keepalive{};
    std::chrono::milliseconds keepalive_timeout{};
    std::chrono::milliseconds reconnect_initial{};
    std::chrono::milliseconds reconnect_max{};
    std::size_t delivery_threads = 0;
    std::size_t delivery_queue = 0;
    std::chrono::milliseconds probe_interval{};  // 0: no OPTIONS probes
    std::size_t warnings_per_source = 0;
    std::chrono::milliseconds warnings_window{};

    // The site registrar (relays): empty lan_host means none.
    std::string lan_host;
    std::uint16_t lan_port = 0;
    bool lan_tls = false;
    std::string lan_certificate;
    std::string lan_private_key;
    std::string terminal_accounts_file;
    std::size_t lan_max_connections = 0;
    std::size_t lan_max_connections_per_address = 0;
    std::chrono::milliseconds lan_register_timeout{};
    std::size_t lan_max_failed_registers = 0;
};

// Reads `config`, taking the table's default for a missing key. Throws std::invalid_argument
// whose message starts with the offending key. Never puts the password in a message.
SipConfig parseConfig(const sdk::PluginConfig& config);

// Why `account` is not user@domain made of characters safe in a SIP URI, or empty.
std::string accountProblem(const std::string& account);

}  // namespace relaysync::transport_sip
