// SipTransport's interface to relaysync: start, stop, and send() as one MESSAGE transaction
// whose final response says whether the peer stored the payload.

#include "sip_transport.h"

#include "loggable.h"

namespace relaysync::transport_sip {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

SipTransport::SipTransport(const sdk::PluginConfig& config)
    : config_(parseConfig(config)),
      log_(Poco::Logger::get("relaysync.transport.sip")),
      limiter_(log_, config_.warnings_per_source, config_.warnings_window),
      tls_(config_.tls ? std::make_unique<TlsClient>(config_) : nullptr),
      registrar_(config_.lan_host.empty() ? nullptr : std::make_unique<SiteRegistrar>(config_, log_, limiter_)),
      deliveries_(config_.delivery_threads, config_.delivery_queue) {}

SipTransport::~SipTransport() { stop(); }

sdk::Status SipTransport::start(const std::string& own_account, sdk::TransportListener& listener) {
    if (const auto problem = accountProblem(own_account); !problem.empty())
        return sdk::Status::invalidArgument("the account '" + own_account + "' cannot be used over SIP: " + problem);
    own_account_ = own_account;
    own_uri_ = "sip:" + own_account;
    credentials_ = {config_.username.empty() ? own_account.substr(0, own_account.find('@')) : config_.username,
                    config_.password};
    listener_ = &listener;
    if (registrar_) {
        peers_.setOwnConnections(registrar_->terminals());
    }
    peers_.start(listener);
    deliveries_.start();
    if (registrar_) {
        if (auto listening = registrar_->start(own_account, *this); !listening.isOk()) {
            deliveries_.stop();
            peers_.stop();
            return listening;
        }
    }
    session_ = std::thread([this] { run(); });
    if (config_.probe_interval.count() > 0 && !config_.relay_accounts.empty()) prober_ = std::thread([this] { probeLoop(); });

    // Wait for the first registration so that wrong credentials fail start(); a server that is
    // merely down does not: the session keeps trying.
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, config_.connect_timeout + config_.transaction_timeout,
                      [this] { return outcome_ != StartOutcome::pending; });
    const auto outcome = outcome_;
    const auto reason = outcome_reason_;
    lock.unlock();
    if (outcome == StartOutcome::refused) {
        stop();
        return sdk::Status::permissionDenied(reason);
    }
    if (outcome != StartOutcome::registered)
        log_.warning("%s is not registered at the SIP server yet (%s); still trying", own_account_,
                     reason.empty() ? std::string("no answer") : reason);
    return sdk::Status::ok();
}

void SipTransport::stop() {
    std::shared_ptr<TcpLink> link;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        link = link_;
    }
    changed_.notify_all();
    if (link) link->shutdown();
    if (session_.joinable()) session_.join();
    if (prober_.joinable()) prober_.join();
    if (registrar_) registrar_->stop();
    deliveries_.stop();
    peers_.stop();
}

std::string SipTransport::authorizationFor(const Challenge& challenge, const std::string& method, const std::string& uri) {
    std::uint32_t nc = 1;
    if (challenge.proxy) {
        std::lock_guard lock(mutex_);
        nc = ++proxy_nonce_count_;
    }
    return digestAuthorization(challenge, credentials_, method, uri, nc, randomHex(8));
}

sdk::Reachability SipTransport::reachability(const std::string& account) const {
    // A terminal of this relay is there exactly while it is registered here.
    if (registrar_ && registrar_->isTerminal(account))
        return registrar_->linkOf(account) ? sdk::Reachability::reachable : sdk::Reachability::unreachable;
    return peers_.get(account);
}

sdk::Status SipTransport::send(const std::string& to, const std::string& payload) {
    if (payload.size() > config_.max_payload_bytes)
        return sdk::Status::invalidArgument("a payload of " + std::to_string(payload.size()) +
                                            " bytes is more than max_payload_bytes (" +
                                            std::to_string(config_.max_payload_bytes) + ")");
    if (const auto problem = accountProblem(to); !problem.empty())
        return sdk::Status::invalidArgument("'" + loggable(to) + "' cannot be reached over SIP: " + problem);
    if (registrar_ && registrar_->isTerminal(to)) return sendToTerminal(to, payload);
    return requestThroughServer("MESSAGE", to, payload);
}

OutgoingRequest SipTransport::newRequest(const std::string& method, const std::string& to, const std::string& body) const {
    OutgoingRequest request;
    request.method = method;
    request.request_uri = "sip:" + to;
    request.from_uri = own_uri_;
    request.from_tag = randomHex(8);
    request.to_uri = "sip:" + to;
    request.call_id = randomHex(16) + "@relaysync";
    request.cseq = 1;
    if (method == "MESSAGE") request.content_type = kContentType;
    request.body = body;
    return request;
}

sdk::Status SipTransport::sendToTerminal(const std::string& to, const std::string& payload) {
    const auto link = registrar_->linkOf(to);
    if (!link) return sdk::Status::unreachable("terminal " + to + " is not registered at this relay");
    const auto response = transact(newRequest("MESSAGE", to, payload), Clock::now() + config_.transaction_timeout, link, to);
    if (!response) {
        std::lock_guard lock(mutex_);
        if (stopping_) return sdk::Status::unreachable("the sip transport is stopping");
        return sdk::Status::unreachable("no final answer from terminal " + to + " within " +
                                        std::to_string(config_.transaction_timeout.count()) + " ms");
    }
    return statusOf(to, *response);
}

sdk::Status SipTransport::requestThroughServer(const std::string& method, const std::string& to, const std::string& body) {
    const auto deadline = Clock::now() + config_.transaction_timeout;
    OutgoingRequest request = newRequest(method, to, body);
    // A fresh challenge answers a 407 once; a second 407 means our credentials are refused.
    for (int attempt = 0; attempt < 3; ++attempt) {
        std::optional<Challenge> challenge;
        {
            std::lock_guard lock(mutex_);
            challenge = proxy_challenge_;
        }
        request.cseq = static_cast<std::uint32_t>(attempt + 1);
        request.authorization_header = challenge ? "Proxy-Authorization" : "";
        request.authorization = challenge ? authorizationFor(*challenge, request.method, request.request_uri) : "";
        const auto response = transact(request, deadline);
        if (!response) {
            std::lock_guard lock(mutex_);
            if (stopping_) return sdk::Status::unreachable("the sip transport is stopping");
            if (!registered_)
                return sdk::Status::unreachable("not registered at the SIP server " + config_.server_host + ":" +
                                                std::to_string(config_.server_port));
            peers_.set(to, false);
            return sdk::Status::unreachable("no final answer from " + to + " within " +
                                            std::to_string(config_.transaction_timeout.count()) + " ms");
        }
        if (response->status == 407 && response->challenge) {
            std::lock_guard lock(mutex_);
            const bool renewed = !proxy_challenge_ || proxy_challenge_->nonce != response->challenge->nonce;
            if (attempt > 0 && !renewed && !response->challenge->stale) break;
            proxy_challenge_ = response->challenge;
            proxy_nonce_count_ = 0;
            continue;
        }
        return statusOf(to, *response);
    }
    log_.error("the SIP server refused the credentials of %s for %s (407 after digest authentication)", own_account_, method);
    return sdk::Status::permissionDenied("the SIP server refused the credentials of " + own_account_ + " for " + method);
}

std::optional<SipMessage> SipTransport::transact(const OutgoingRequest& prepared, Clock::time_point deadline,
                                                 std::shared_ptr<TcpLink> link, const std::string& terminal) {
    auto pending = std::make_shared<Pending>();
    pending->terminal = terminal;
    OutgoingRequest request = prepared;
    {
        std::unique_lock lock(mutex_);
        if (link) {
            if (stopping_) return std::nullopt;
            request.via_transport = registrar_->viaTransport();
        } else {
            changed_.wait_until(lock, deadline, [this] { return stopping_ || registered_; });
            if (stopping_ || !registered_) return std::nullopt;
            link = link_;
            request.via_transport = config_.tls ? "TLS" : "TCP";
        }
        request.via_sent_by = link->localAddress();
        request.branch = "z9hG4bK" + randomHex(12);
        pending_[request.branch] = pending;
    }
    const bool written = link->write(formatRequest(request), config_.transaction_timeout);
    std::unique_lock lock(mutex_);
    if (written)
        pending->done.wait_until(lock, deadline, [&] { return stopping_ || pending->response || pending->failed; });
    pending_.erase(request.branch);
    return pending->response;
}

sdk::Status SipTransport::statusOf(const std::string& to, const SipMessage& response) {
    const int status = response.status;
    const std::string what = "MESSAGE to " + to + ": " + std::to_string(status) + " " + loggable(response.reason, 80);
    if (status == 200) {
        peers_.set(to, true);
        return sdk::Status::ok();
    }
    if (status >= 200 && status < 300)  // 202 from a store-and-forward hop: not a receipt
        return sdk::Status::unreachable(what + " (accepted, but not stored by the peer)");
    switch (status) {
    case 404: case 408: case 410: case 480:
        peers_.set(to, false);
        return sdk::Status::unreachable(what);
    case 500: case 503: case 504:  // the peer (or the server) could not take it now: retry later
        return sdk::Status::unreachable(what);
    case 413: case 513:
        return sdk::Status::invalidArgument(what);
    case 403:
        return sdk::Status::permissionDenied(what);
    default:
        return sdk::Status::internal(what);
    }
}

}  // namespace relaysync::transport_sip
