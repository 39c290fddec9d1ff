#pragma once
// The direct transport's settings: the key table core validates profiles against, and the
// parsed, checked form the transport runs on.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "relaysync/sdk/plugin_config.h"

namespace relaysync::transport_direct {

inline constexpr sdk::ConfigKey kConfigKeys[] = {
    {"listen", "", "host:port to accept connections on, e.g. 0.0.0.0:7443; empty: do not listen (terminals usually only dial)"},
    {"peers", "", "comma-separated account=host:port list dialed at start and kept connected (a relay lists the other relays, a terminal its relay)"},
    {"certificate", "", "PEM file with this node's certificate (subject CN = its account), optionally followed by intermediates; required unless plaintext"},
    {"private_key", "", "PEM file with the certificate's private key, unencrypted, readable only by relaysync; required unless plaintext"},
    {"ca", "", "PEM file with the certificate authority that signs every node's certificate; required unless plaintext"},
    {"crl", "", "PEM file with the CA's certificate revocation list (make-certs.sh revoke/crl write it); peers whose certificate it names are refused, and cut off when a new version of the file names them; empty: none"},
    {"plaintext", "false", "true: no TLS, accounts taken on trust (tests and isolated labs only)"},
    {"max_frame_bytes", "8388608", "largest frame accepted or sent, in bytes; bigger frames close the connection"},
    {"connect_timeout_ms", "3000", "time allowed to connect, complete the TLS handshake and exchange HELLO"},
    {"ack_timeout_ms", "10000", "how long send() waits for the peer to acknowledge a message"},
    {"keepalive_ms", "10000", "send PING after this much idle time; close a connection silent for 3 times this"},
    {"frame_timeout_ms", "60000", "time allowed for one frame, from its first byte to its last; a connection slower than that is closed"},
    {"reconnect_initial_ms", "200", "first delay before redialing a listed peer; doubles after each failure"},
    {"reconnect_max_ms", "5000", "longest delay between attempts to dial a listed peer"},
    {"max_handshakes", "128", "accepted connections not yet through TLS and HELLO, in total; when full, the one that has made the least progress is dropped for a newcomer"},
    {"max_handshakes_per_address", "16", "the same, per source IP address; when full, that address's least advanced one is dropped for its newcomer"},
    {"max_connections", "256", "established connections accepted from peers, in total (dialed ones come on top, one per listed peer); more are refused"},
    {"max_connections_per_account", "2", "established connections accepted from one account; a newer one closes the oldest"},
    {"max_buffered_bytes", "67108864", "frame bytes held at once over all connections (being read or waiting to be taken); a reader waits for room; at least max_frame_bytes"},
    {"delivery_threads", "4", "threads that hand received messages to relaysync, shared by all connections; one connection's messages are handed over one at a time, in order"},
    {"warnings_per_source", "20", "log lines about one source address or account per warnings_window_ms; the rest are counted and summed up in one line"},
    {"warnings_window_ms", "60000", "the period warnings_per_source counts over"},
};

struct HostPort {
    std::string host;  // without IPv6 brackets
    std::uint16_t port = 0;
    std::string text() const;  // "host:port", "[v6]:port"
};

struct PeerEntry {
    std::string account;
    HostPort address;
};

struct DirectConfig {
    std::optional<HostPort> listen;
    std::vector<PeerEntry> peers;
    std::string certificate;
    std::string private_key;
    std::string ca;
    std::string crl;  // empty: no revocation list
    bool plaintext = false;
    std::size_t max_frame_bytes = 0;
    std::chrono::milliseconds connect_timeout{};
    std::chrono::milliseconds ack_timeout{};
    std::chrono::milliseconds keepalive{};
    std::chrono::milliseconds frame_timeout{};
    std::chrono::milliseconds reconnect_initial{};
    std::chrono::milliseconds reconnect_max{};
    std::size_t max_handshakes = 0;
    std::size_t max_handshakes_per_address = 0;
    std::size_t max_connections = 0;
    std::size_t max_connections_per_account = 0;
    std::size_t max_buffered_bytes = 0;
    std::size_t delivery_threads = 0;
    std::size_t warnings_per_source = 0;
    std::chrono::milliseconds warnings_window{};
};

// Reads `config`, taking the table's default for a missing key. Throws std::invalid_argument
// whose message starts with the offending key, e.g. "ack_timeout_ms: '10s' is not a whole
// number of milliseconds". Checks syntax and ranges and that the PEM files are readable files;
// their content is checked when the TLS contexts are built.
DirectConfig parseConfig(const sdk::PluginConfig& config);

}  // namespace relaysync::transport_direct
