#pragma once
// A relay as the SIP registrar of its own site (lan_listen): its terminals connect over TCP or
// TLS, REGISTER with digest authentication of their terminal account, and then exchange
// MESSAGEs with the relay over that connection. Nothing else is routed: a terminal talks only to
// its relay. One thread polls the listener and every connection; what it hands on (MESSAGEs,
// responses, registrations) goes to a Handler that must not block.
//
// Bounded: at most lan_max_connections connections (and lan_max_connections_per_address from one
// address); one that has not registered within lan_register_timeout, or whose registration ran
// out, is closed; a head over 16 KB or a body over max_payload_bytes + 4 KB closes it too.

#include <Poco/Logger.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "guess_limiter.h"
#include "log_limiter.h"
#include "relaysync/sdk/status.h"
#include "sip_config.h"
#include "sip_message.h"
#include "tcp_link.h"
#include "terminal_accounts.h"
#include "tls_server.h"

namespace relaysync::transport_sip {

class SiteRegistrar {
public:
    class Handler {
    public:
        virtual ~Handler() = default;
        // A MESSAGE to the relay from the terminal registered on `link` (From checked, and the
        // Content-Type); the handler answers it on `link`.
        virtual void onTerminalMessage(const std::shared_ptr<TcpLink>& link, const SipMessage& request) = 0;
        // A response that came on a terminal's connection (to a request the relay sent there).
        virtual void onTerminalResponse(const SipMessage& response) = 0;
        // A terminal registered (true) or its registration ended (false).
        virtual void onTerminalRegistration(const std::string& terminal, bool registered) = 0;
    };

    // Reads terminal_accounts_file and the TLS certificate; throws std::invalid_argument naming
    // the key.
    SiteRegistrar(const SipConfig& config, Poco::Logger& log, plugin_common::LogLimiter& limiter);
    ~SiteRegistrar();
    SiteRegistrar(const SiteRegistrar&) = delete;
    SiteRegistrar& operator=(const SiteRegistrar&) = delete;

    // Listens on lan_listen and starts serving; an error when the address cannot be bound.
    sdk::Status start(const std::string& relay_account, Handler& handler);
    void stop();

    bool isTerminal(const std::string& account) const { return accounts_.contains(account); }
    std::set<std::string> terminals() const;
    // The connection `terminal` is registered on, or nullptr.
    std::shared_ptr<TcpLink> linkOf(const std::string& terminal) const;
    // "TLS" or "TCP", for the Via of requests sent to terminals.
    const char* viaTransport() const { return config_.lan_tls ? "TLS" : "TCP"; }

private:
    struct Connection;
    void run();
    void acceptAll();
    // false: close the connection.
    bool readFrom(Connection& connection);
    bool onRequest(Connection& connection, const SipMessage& request);
    bool onRegister(Connection& connection, const SipMessage& request);
    void challenge(Connection& connection, const SipMessage& request, bool stale);
    void bind(Connection& connection, const std::string& account, std::chrono::seconds granted);
    void close(int fd, const std::string& why);
    void respond(Connection& connection, const SipMessage& request, int status, const std::string& reason,
                 const std::vector<std::string>& headers = {});
    static std::string describe(const Connection& connection);

    const SipConfig& config_;
    Poco::Logger& log_;
    plugin_common::LogLimiter& limiter_;  // what others make us log, per address or account
    GuessLimiter guesses_;                // wrong digest answers per address
    const TerminalAccounts accounts_;
    const std::unique_ptr<TlsServer> tls_;
    std::string relay_account_;
    std::string realm_;
    Handler* handler_ = nullptr;
    int listen_fd_ = -1;
    int wake_fd_ = -1;  // an eventfd: stop() wakes the poll

    // The poll thread's own.
    std::map<int, std::unique_ptr<Connection>> connections_;
    std::map<std::string, int> per_address_;
    std::chrono::steady_clock::time_point last_refusal_logged_{};

    mutable std::mutex mutex_;
    bool stopping_ = false;
    std::map<std::string, std::shared_ptr<TcpLink>> registered_;
    std::thread thread_;
};

}  // namespace relaysync::transport_sip
