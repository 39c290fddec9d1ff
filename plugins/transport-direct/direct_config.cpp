#include "direct_config.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>

#include <charconv>
#include <set>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

#include "config_reader.h"
#include "config_text.h"
#include "frame.h"

namespace relaysync::transport_direct {

namespace {

using std::chrono::milliseconds;

using plugin_common::trim;

[[noreturn]] void fail(const std::string& key, const std::string& what) { plugin_common::failKey(key, what); }

using plugin_common::ConfigReader;

// A readable regular file; the path is named, the content never is.
std::string pemFile(const ConfigReader& read, const char* key, bool optional = false) {
    const std::string path = read.trimmed(key);
    if (path.empty() && optional) return path;
    if (path.empty()) fail(key, "required unless plaintext is true");
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) fail(key, path + " does not exist");
    if (!S_ISREG(info.st_mode)) fail(key, path + " is not a regular file");
    if (::access(path.c_str(), R_OK) != 0) fail(key, path + " is not readable by this user");
    return path;
}

HostPort parseHostPort(const std::string& key, const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) fail(key, "'" + text + "' is not host:port");
    std::string host = text.substr(0, colon);
    const std::string port_text = text.substr(colon + 1);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') fail(key, "'" + text + "' has a malformed [IPv6] host");
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
        fail(key, "'" + text + "': write an IPv6 host in brackets, e.g. [::1]:7443");
    }
    unsigned port = 0;
    const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535)
        fail(key, "'" + text + "' needs a port from 1 to 65535");
    return {host, static_cast<std::uint16_t>(port)};
}

std::vector<PeerEntry> parsePeers(const std::string& text) {
    std::vector<PeerEntry> peers;
    std::set<std::string> seen;
    if (trim(text).empty()) return peers;
    std::size_t start = 0;
    for (;;) {
        const auto comma = text.find(',', start);
        const std::string item = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        const auto equals = item.find('=');
        if (item.empty()) fail("peers", "empty entry in '" + text + "'");
        if (equals == std::string::npos || equals == 0)
            fail("peers", "'" + item + "' is not account=host:port");
        PeerEntry peer{trim(item.substr(0, equals)), parseHostPort("peers", trim(item.substr(equals + 1)))};
        if (const auto problem = accountProblem(peer.account); !problem.empty())
            fail("peers", "'" + peer.account + "': " + problem);
        if (!seen.insert(peer.account).second) fail("peers", peer.account + " is listed twice");
        peers.push_back(std::move(peer));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return peers;
}

}  // namespace

std::string HostPort::text() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

DirectConfig parseConfig(const sdk::PluginConfig& config) {
    const ConfigReader read(config, kConfigKeys, "the direct transport");
    DirectConfig parsed;

    if (const std::string listen = trim(read.text("listen")); !listen.empty()) {
        parsed.listen = parseHostPort("listen", listen);
        try {
            Poco::Net::SocketAddress(parsed.listen->host, parsed.listen->port);
        } catch (const Poco::Exception& e) {
            fail("listen", "cannot use host '" + parsed.listen->host + "': " + e.displayText());
        }
    }
    parsed.peers = parsePeers(read.text("peers"));

    parsed.plaintext = read.flag("plaintext");
    if (!parsed.plaintext) {
        parsed.certificate = pemFile(read, "certificate");
        parsed.private_key = pemFile(read, "private_key");
        parsed.ca = pemFile(read, "ca");
        parsed.crl = pemFile(read, "crl", true);
    }

    parsed.max_frame_bytes = read.number("max_frame_bytes", 1024, std::uint64_t(1) << 30);
    parsed.connect_timeout = read.duration("connect_timeout_ms", 1);
    parsed.ack_timeout = read.duration("ack_timeout_ms", 1);
    parsed.keepalive = read.duration("keepalive_ms", 10);
    // Shorter would cut off honest frames that merely span a few reads on a busy link.
    parsed.frame_timeout = read.duration("frame_timeout_ms", 100);
    parsed.reconnect_initial = read.duration("reconnect_initial_ms", 1);
    parsed.reconnect_max = read.duration("reconnect_max_ms", 1);
    if (parsed.reconnect_max < parsed.reconnect_initial)
        fail("reconnect_max_ms", "must not be smaller than reconnect_initial_ms (" +
                                     std::to_string(parsed.reconnect_initial.count()) + ")");

    parsed.max_handshakes = read.number("max_handshakes", 1, 65536);
    parsed.max_handshakes_per_address = read.number("max_handshakes_per_address", 1, 65536);
    if (parsed.max_handshakes_per_address > parsed.max_handshakes)
        fail("max_handshakes_per_address", "must not be larger than max_handshakes (" +
                                               std::to_string(parsed.max_handshakes) + ")");
    parsed.max_connections = read.number("max_connections", 1, 1'000'000);
    parsed.max_connections_per_account = read.number("max_connections_per_account", 1, 64);
    parsed.max_buffered_bytes = read.number("max_buffered_bytes", 1024, std::uint64_t(1) << 40);
    // One frame must always fit, or a reader could wait for room that never comes.
    if (parsed.max_buffered_bytes < parsed.max_frame_bytes)
        fail("max_buffered_bytes", "must not be smaller than max_frame_bytes (" +
                                       std::to_string(parsed.max_frame_bytes) + ")");
    parsed.delivery_threads = read.number("delivery_threads", 1, 64);
    parsed.warnings_per_source = read.number("warnings_per_source", 1, 1'000'000);
    parsed.warnings_window = read.duration("warnings_window_ms", 100);
    return parsed;
}

}  // namespace relaysync::transport_direct
