#pragma once
// A real Kamailio with relaysync's configuration (config/kamailio), on 127.0.0.1 in a run folder
// of its own, started through scripts/kamailio.sh in a session of its own and stopped by its pid
// (also from the destructor, so every exit path ends it).

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

namespace relaysync::tests {

class KamailioServer {
public:
    // Writes the subscriber table for `accounts` (account -> password) and picks a free port.
    explicit KamailioServer(const std::map<std::string, std::string>& accounts);
    ~KamailioServer();
    KamailioServer(const KamailioServer&) = delete;
    KamailioServer& operator=(const KamailioServer&) = delete;

    // Also listen for TLS (on a second free port) with this certificate and key, from the next
    // start() on (scripts/kamailio.sh tls).
    // With `client_ca`, relays must present a certificate signed by it.
    void enableTls(const std::string& certificate, const std::string& key, const std::string& client_ca = {});

    // Starts it and waits (with a deadline) until it accepts connections; throws if it does not.
    void start();
    // Stops it by pid: SIGTERM, then SIGKILL after a deadline; waits for it to be gone.
    void stop();

    std::uint16_t port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    std::uint16_t tlsPort() const { return tls_port_; }
    std::string tlsAddress() const { return "127.0.0.1:" + std::to_string(tls_port_); }  // after enableTls
    std::string log() const;  // what kamailio wrote, for failure messages

private:
    std::string run_dir_;
    std::uint16_t port_ = 0;
    std::uint16_t tls_port_ = 0;  // 0: no TLS
    pid_t pid_ = -1;
};

}  // namespace relaysync::tests
