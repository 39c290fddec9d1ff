#pragma once
// The "sip" transport: a SIP user agent that REGISTERs the node's account at one SIP server over
// one outbound TCP or TLS connection, and carries every payload as a MESSAGE through that server.
// Inbound MESSAGEs arrive over the same connection, so the node never listens (docs/transport-sip.md).
//
// Threads: one session thread owns the connection (connect, REGISTER and its refresh, CRLF
// keepalives, reading); send() callers write their MESSAGE and wait for its final response;
// received MESSAGEs go to the listener on delivery threads, whose answer becomes the response.
// A relay with lan_listen is also the registrar of its site's terminals (SiteRegistrar): what it
// sends to one of them goes over that terminal's own connection, never through the server. A
// prober thread asks relay_accounts OPTIONS through the server, for their reachability.

#include <Poco/Logger.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "digest.h"
#include "peer_reachability.h"
#include "relaysync/sdk/plugin_config.h"
#include "relaysync/sdk/transport.h"
#include "sip_config.h"
#include "sip_message.h"
#include "site_registrar.h"
#include "tcp_link.h"
#include "tls_client.h"
#include "job_pool.h"
#include "log_limiter.h"

namespace relaysync::transport_sip {

// The Content-Type of every relaysync payload carried in a MESSAGE.
inline constexpr const char* kContentType = "application/vnd.relaysync+json";

class SipTransport final : public sdk::Transport, private SiteRegistrar::Handler {
public:
    explicit SipTransport(const sdk::PluginConfig& config);
    ~SipTransport() override;

    sdk::Status start(const std::string& own_account, sdk::TransportListener& listener) override;
    sdk::Status send(const std::string& to, const std::string& payload) override;
    std::size_t maxPayloadBytes() const override { return config_.max_payload_bytes; }
    sdk::Reachability reachability(const std::string& account) const override;
    void stop() override;

private:
    // A request waiting for its final response (by Via branch).
    // Each has its own condition variable: a response wakes only the sender waiting for it
    // (with one shared one, every response woke every sender: 12 switches per message with 8).
    struct Pending {
        std::string terminal;  // sent over this terminal's connection; empty: through the server
        std::optional<SipMessage> response;
        bool failed = false;
        std::condition_variable done;
    };
    // With mutex_ held: marks `pending` failed and wakes its sender.
    static void fail(Pending& pending) {
        pending.failed = true;
        pending.done.notify_one();
    }
    enum class StartOutcome { pending, registered, refused, unreachable };

    // sip_session.cpp: the session thread.
    void run();
    bool runSession(const std::shared_ptr<TcpLink>& link);  // true if it registered
    void sendRegister(TcpLink& link, const std::optional<Challenge>& challenge);
    // false: the session must end (refused, or a failure worth a reconnect).
    bool onRegisterResponse(TcpLink& link, const SipMessage& response);
    void onRequest(const std::shared_ptr<TcpLink>& link, const SipMessage& request);
    bool refusedStranger(TcpLink& link, const SipMessage& request);
    void deliver(const std::weak_ptr<TcpLink>& link, const SipMessage& request, sdk::PeerRole role);
    void respond(TcpLink& link, const SipMessage& request, int status, const std::string& reason);
    void onResponse(const SipMessage& response);
    void endSession();
    void setOutcome(StartOutcome outcome, std::string why = {});
    void waitBeforeReconnect(std::chrono::milliseconds delay);

    // sip_transport.cpp: MESSAGE (or OPTIONS) and its status.
    sdk::Status requestThroughServer(const std::string& method, const std::string& to, const std::string& body);
    sdk::Status sendToTerminal(const std::string& to, const std::string& payload);
    // Over `link` (the connection of `terminal`), or the server connection when null (waiting
    // for registration).
    std::optional<SipMessage> transact(const OutgoingRequest& request, std::chrono::steady_clock::time_point deadline,
                                       std::shared_ptr<TcpLink> link = nullptr, const std::string& terminal = {});
    OutgoingRequest newRequest(const std::string& method, const std::string& to, const std::string& body) const;

    // sip_probes.cpp: OPTIONS to relay_accounts through the server.
    void probeLoop();

    // SiteRegistrar::Handler (sip_site.cpp): the relay's terminals.
    void onTerminalMessage(const std::shared_ptr<TcpLink>& link, const SipMessage& request) override;
    void onTerminalResponse(const SipMessage& response) override { onResponse(response); }
    void onTerminalRegistration(const std::string& terminal, bool registered) override;
    sdk::Status statusOf(const std::string& to, const SipMessage& response);
    std::string authorizationFor(const Challenge& challenge, const std::string& method, const std::string& uri);

    const SipConfig config_;
    Poco::Logger& log_;
    plugin_common::LogLimiter limiter_;  // what others can make us log (warnings_per_source)
    const std::unique_ptr<TlsClient> tls_;  // transport: tls only
    const std::unique_ptr<SiteRegistrar> registrar_;  // lan_listen only
    std::string own_account_;
    std::string own_uri_;
    DigestCredentials credentials_;
    sdk::TransportListener* listener_ = nullptr;
    PeerReachability peers_;
    plugin_common::JobPool deliveries_;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    bool stopping_ = false;
    std::shared_ptr<TcpLink> link_;     // the connection, while there is one
    bool registered_ = false;            // the server holds our contact on link_
    StartOutcome outcome_ = StartOutcome::pending;
    std::string outcome_reason_;
    std::map<std::string, std::shared_ptr<Pending>> pending_;
    std::optional<Challenge> proxy_challenge_;  // reused for every MESSAGE until the server renews it
    std::uint32_t proxy_nonce_count_ = 0;
    std::uint64_t registrations_ = 0;  // times the session registered afresh: the prober probes then

    // Owned by the session thread.
    std::string register_call_id_;
    std::string register_tag_;
    std::uint32_t register_cseq_ = 0;
    std::string register_branch_;
    std::string answered_nonce_;  // the challenge nonce last answered, to tell a refusal
    std::chrono::steady_clock::time_point register_deadline_{};
    std::chrono::steady_clock::time_point refresh_at_{};

    std::thread session_;
    std::thread prober_;
};

}  // namespace relaysync::transport_sip
