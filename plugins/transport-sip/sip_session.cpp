// The session thread of SipTransport: the connection to the server, REGISTER with digest
// authentication and refresh, CRLF keepalives, and everything that arrives.

#include "loggable.h"
#include "sip_transport.h"
#include "stream_framer.h"

namespace relaysync::transport_sip {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// What the server relays fits its TCP read buffer (tcp_rd_buf_size=65536 in config/kamailio): a
// head up to that is taken, so that no one account can make it cost us our connection.
constexpr std::size_t kMaxHeadBytes = 64 * 1024;
// A body over max_payload_bytes up to this is read past and answered 413, keeping the
// connection: one sender's oversized MESSAGE must not cost us our registration.
constexpr std::size_t kMaxSkippedBody = 1024 * 1024;

milliseconds until(Clock::time_point when) {
    return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(when - Clock::now()));
}

std::string describe(const SipMessage& response) {
    return std::to_string(response.status) + " " + loggable(response.reason, 80);
}

}  // namespace

void SipTransport::run() {
    auto delay = config_.reconnect_initial;
    const std::string server = config_.server_host + ":" + std::to_string(config_.server_port);
    while (true) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        ConnectFailure failure;
        auto link = TcpLink::connect(config_.server_host, config_.server_port, config_.connect_timeout, tls_.get(), &failure);
        if (!link && failure.certificate_refused) {
            // Not the server we were told to trust: like refused credentials, start() fails, and
            // later on it is retried slowly.
            log_.error("refused the SIP server %s: %s; trying again in %s ms", server, failure.text,
                       std::to_string(config_.reconnect_max.count()));
            setOutcome(StartOutcome::refused, "refused the SIP server " + server + ": " + failure.text);
        } else if (!link) {
            log_.warning("cannot connect to the SIP server %s: %s; trying again in %s ms", server, failure.text,
                         std::to_string(delay.count()));
            setOutcome(StartOutcome::unreachable, "cannot connect to the SIP server " + server + ": " + failure.text);
        } else {
            {
                std::lock_guard lock(mutex_);
                if (stopping_) return;
                link_ = link;
            }
            if (runSession(link)) delay = config_.reconnect_initial;
            endSession();
        }
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            // Refused at start(): start() stops us. Refused later (a password changed on the
            // server): keep trying, slowly, so that fixing the server is enough.
            if (outcome_ == StartOutcome::refused) delay = config_.reconnect_max;
        }
        waitBeforeReconnect(delay);
        delay = std::min(delay * 2, config_.reconnect_max);
    }
}

void SipTransport::waitBeforeReconnect(milliseconds delay) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, delay, [this] { return stopping_; });
}

void SipTransport::endSession() {
    std::shared_ptr<TcpLink> link;
    {
        std::lock_guard lock(mutex_);
        link.swap(link_);
        const bool was_registered = registered_;
        registered_ = false;
        for (auto& entry : pending_)
            if (entry.second->terminal.empty()) fail(*entry.second);
        if (was_registered) peers_.disconnected();
    }
    changed_.notify_all();
    if (link) link->shutdown();
}

void SipTransport::setOutcome(StartOutcome outcome, std::string why) {
    {
        std::lock_guard lock(mutex_);
        if (outcome_ == StartOutcome::refused) return;
        outcome_ = outcome;
        outcome_reason_ = std::move(why);
    }
    changed_.notify_all();
}

bool SipTransport::runSession(const std::shared_ptr<TcpLink>& link) {
    const std::string server = config_.server_host + ":" + std::to_string(config_.server_port);
    if (config_.tls)
        log_.debug("connected to the SIP server %s from %s over %s, its certificate checked for %s", server,
                   link->localAddress(), link->tlsVersion(), config_.tls_server_name);
    else
        log_.debug("connected to the SIP server %s from %s", server, link->localAddress());
    StreamFramer framer(kMaxHeadBytes, config_.max_payload_bytes, kMaxSkippedBody);
    register_call_id_ = randomHex(16) + "@relaysync";
    register_tag_ = randomHex(8);
    answered_nonce_.clear();
    refresh_at_ = Clock::time_point::max();
    sendRegister(*link, std::nullopt);

    bool registered_once = false;
    auto last_heard = Clock::now();
    // When the keep-alive's answer is due; max() while none is awaited. (Not std::optional:
    // GCC 12 at -O3 warns that its value may be used uninitialized.)
    constexpr auto kNoPongAwaited = Clock::time_point::max();
    auto pong_deadline = kNoPongAwaited;
    char buffer[16 * 1024];
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return registered_once;
            registered_once = registered_once || registered_;
        }
        limiter_.flush();  // sums up what was left out of windows that are over
        auto wake = std::min(refresh_at_, last_heard + config_.keepalive);
        if (!register_branch_.empty()) wake = std::min(wake, register_deadline_);
        wake = std::min(wake, pong_deadline);
        const long n = link->read(buffer, sizeof buffer, std::min(until(wake), milliseconds(1000)));
        if (n < 0) {
            std::lock_guard lock(mutex_);
            if (!stopping_) log_.warning("the SIP server %s closed the connection; reconnecting", server);
            return registered_once;
        }
        if (n > 0) {
            last_heard = Clock::now();
            pong_deadline = kNoPongAwaited;
            framer.feed(buffer, static_cast<std::size_t>(n));
        }
        while (auto frame = framer.next()) {
            if (frame->kind == Frame::Kind::pong) continue;
            auto parsed = parseSip(*frame);
            if (frame->kind == Frame::Kind::too_large) {
                if (parsed.message && parsed.message->is_request && !refusedStranger(*link, *parsed.message)) {
                    limiter_.warning(parsed.message->from_account,
                                     "answered 413 to a " + loggable(parsed.message->method, 20) + " from " +
                                         loggable(parsed.message->from_account) + ": its body of " +
                                         std::to_string(frame->body_size) + " bytes is more than max_payload_bytes (" +
                                         std::to_string(config_.max_payload_bytes) + ")");
                    respond(*link, *parsed.message, 413, "Request Entity Too Large");
                }
                continue;
            }
            if (!parsed.message) {
                // Without a parsed Via there is no one to answer: drop it; the sender times out.
                log_.warning("dropped a malformed message from the SIP server %s: %s", server, parsed.error);
                continue;
            }
            if (parsed.message->is_request) {
                onRequest(link, *parsed.message);
            } else if (!register_branch_.empty() && parsed.message->top_branch == register_branch_) {
                if (!onRegisterResponse(*link, *parsed.message)) return registered_once;
            } else {
                onResponse(*parsed.message);
            }
        }
        if (!framer.error().empty()) {
            log_.warning("closing the connection to the SIP server %s: it sent %s", server, framer.error());
            return registered_once;
        }
        const auto now = Clock::now();
        if (!register_branch_.empty() && now >= register_deadline_) {
            log_.warning("no answer to REGISTER from the SIP server %s within %s ms; reconnecting", server,
                         std::to_string(config_.transaction_timeout.count()));
            setOutcome(StartOutcome::unreachable, "no answer to REGISTER from " + server);
            return registered_once;
        }
        if (pong_deadline != kNoPongAwaited && now >= pong_deadline) {
            log_.warning("no answer to a keepalive from the SIP server %s within %s ms; reconnecting", server,
                         std::to_string(config_.keepalive_timeout.count()));
            return registered_once;
        }
        if (pong_deadline == kNoPongAwaited && now >= last_heard + config_.keepalive) {
            if (!link->write("\r\n\r\n", config_.transaction_timeout)) return registered_once;
            pong_deadline = now + config_.keepalive_timeout;
        }
        if (register_branch_.empty() && now >= refresh_at_) {
            refresh_at_ = Clock::time_point::max();
            sendRegister(*link, std::nullopt);
        }
    }
}

void SipTransport::sendRegister(TcpLink& link, const std::optional<Challenge>& challenge) {
    const std::string domain = own_account_.substr(own_account_.find('@') + 1);
    OutgoingRequest request;
    request.method = "REGISTER";
    request.request_uri = "sip:" + domain;
    request.via_transport = config_.tls ? "TLS" : "TCP";
    request.via_sent_by = link.localAddress();
    request.branch = "z9hG4bK" + randomHex(12);
    request.from_uri = own_uri_;
    request.from_tag = register_tag_;
    request.to_uri = own_uri_;
    request.call_id = register_call_id_;
    request.cseq = ++register_cseq_;
    request.contact_uri = "sip:" + own_account_.substr(0, own_account_.find('@')) + "@" + link.localAddress() + (config_.tls ? ";transport=tls" : ";transport=tcp");
    request.expires = config_.expires.count();
    if (challenge) {
        request.authorization_header = challenge->proxy ? "Proxy-Authorization" : "Authorization";
        request.authorization = authorizationFor(*challenge, request.method, request.request_uri);
        answered_nonce_ = challenge->nonce;
    }
    register_branch_ = request.branch;
    register_deadline_ = Clock::now() + config_.transaction_timeout;
    link.write(formatRequest(request), config_.transaction_timeout);  // a failure shows on the next read
}

bool SipTransport::onRegisterResponse(TcpLink& link, const SipMessage& response) {
    if (response.status < 200) return true;
    register_branch_.clear();
    const std::string server = config_.server_host + ":" + std::to_string(config_.server_port);
    if ((response.status == 401 || response.status == 407) && response.challenge) {
        const Challenge& challenge = *response.challenge;
        if (!config_.realm.empty() && challenge.realm != config_.realm) {
            log_.error("the SIP server %s challenged REGISTER for realm '%s', not the configured '%s'", server,
                       loggable(challenge.realm), config_.realm);
            setOutcome(StartOutcome::refused, "the server's realm is '" + loggable(challenge.realm) + "', not '" + config_.realm + "'");
            return false;
        }
        if (!answered_nonce_.empty() && !challenge.stale) {
            log_.error("the SIP server %s refused the credentials of %s (user name '%s'): %s to REGISTER with "
                       "digest authentication; check the username and password settings",
                       server, own_account_, credentials_.username, describe(response));
            setOutcome(StartOutcome::refused, "the SIP server " + server + " refused the credentials of " + own_account_ +
                                                  " (" + describe(response) + ")");
            return false;
        }
        sendRegister(link, challenge);
        return true;
    }
    if (response.status >= 200 && response.status < 300) {
        const auto granted = std::chrono::seconds(response.expires.value_or(config_.expires.count()));
        // Refresh with a margin for a slow round trip: at 80 % of the lifetime, at least 1 s before.
        auto refresh = std::chrono::duration_cast<milliseconds>(granted) * 4 / 5;
        refresh = std::max(milliseconds(500), std::min(refresh, std::chrono::duration_cast<milliseconds>(granted) - milliseconds(1000)));
        refresh_at_ = Clock::now() + refresh;
        const bool challenged = !answered_nonce_.empty();
        answered_nonce_.clear();
        bool first;
        {
            std::lock_guard lock(mutex_);
            first = !registered_;
            registered_ = true;
        }
        changed_.notify_all();
        if (first && !config_.tls && !challenged)
            log_.warning("the SIP server %s registered %s without asking for its credentials: over plain TCP nothing "
                         "proves it is the server (or relay) you meant; use transport: tls with a ca",
                         server, own_account_);
        if (first) {
            {
                std::lock_guard lock(mutex_);
                ++registrations_;
            }
            changed_.notify_all();
            log_.information("registered %s at the SIP server %s for %s s", own_account_, server, std::to_string(granted.count()));
            setOutcome(StartOutcome::registered);
            peers_.reconnected();
        } else {
            log_.debug("refreshed the registration of %s for %s s", own_account_, std::to_string(granted.count()));
        }
        return true;
    }
    log_.error("the SIP server %s refused to register %s: %s", server, own_account_, describe(response));
    if (response.status == 403 || response.status == 404 || response.status == 401 || response.status == 407)
        setOutcome(StartOutcome::refused, "the SIP server " + server + " refused to register " + own_account_ + ": " + describe(response));
    else
        setOutcome(StartOutcome::unreachable, "the SIP server answered REGISTER with " + describe(response));
    return false;
}

void SipTransport::onResponse(const SipMessage& response) {
    if (response.status < 200) return;  // provisional: keep waiting for the final one
    std::lock_guard lock(mutex_);
    const auto found = pending_.find(response.top_branch);
    if (found == pending_.end()) return;  // late, after its sender gave up
    found->second->response = response;
    found->second->done.notify_one();
}

// The server proxy-authenticated From (config/kamailio), so the account is proven; which accounts
// may speak to this node at all (MESSAGE, and OPTIONS: whether we are there is not a stranger's
// business either) is its own list. True when the request was refused (and answered 403).
bool SipTransport::refusedStranger(TcpLink& link, const SipMessage& request) {
    if (config_.relay_accounts.empty() || config_.relay_accounts.count(request.from_account)) return false;
    limiter_.warning(request.from_account, "refused a " + loggable(request.method, 20) + " from " +
                                               loggable(request.from_account) + ": not one of relay_accounts");
    respond(link, request, 403, "Forbidden");
    return true;
}

void SipTransport::onRequest(const std::shared_ptr<TcpLink>& link, const SipMessage& request) {
    if (request.method == "ACK") return;
    if (request.method != "MESSAGE" && request.method != "OPTIONS") return respond(*link, request, 501, "Not Implemented");
    if (!accountProblem(request.from_account).empty()) return respond(*link, request, 400, "Bad From");
    if (refusedStranger(*link, request)) return;
    if (request.method == "OPTIONS") return respond(*link, request, 200, "OK");
    if (request.content_type != kContentType) return respond(*link, request, 415, "Unsupported Media Type");
    if (request.to_account != own_account_) return respond(*link, request, 404, "Not Found");
    peers_.set(request.from_account, true);
    std::weak_ptr<TcpLink> weak = link;
    const auto role = config_.relay_accounts.empty() ? sdk::PeerRole::unknown : sdk::PeerRole::relay;
    if (!deliveries_.submit([this, weak, request, role] { deliver(weak, request, role); })) {
        limiter_.warning(request.from_account, "answered 503 to a MESSAGE from " + request.from_account + ": " +
                                                   std::to_string(config_.delivery_queue) +
                                                   " received messages are already waiting");
        respond(*link, request, 503, "Service Unavailable");
    }
}

void SipTransport::deliver(const std::weak_ptr<TcpLink>& weak, const SipMessage& request, sdk::PeerRole role) {
    sdk::PeerIdentity from;
    from.account = request.from_account;
    from.role = role;
    // Only this relay's own terminals (terminal_accounts_file) arrive with role terminal.
    if (role == sdk::PeerRole::terminal) from.home_relay = own_account_;
    const sdk::Status taken = listener_->onMessage(from, request.body);
    if (!taken.isOk()) log_.warning("relaysync did not take a message from %s: %s", from.account, taken.toString());
    // The connection may be gone: then the sender times out and sends it again.
    if (const auto link = weak.lock())
        respond(*link, request, taken.isOk() ? 200 : 500, taken.isOk() ? "OK" : "Not Stored");
}

void SipTransport::respond(TcpLink& link, const SipMessage& request, int status, const std::string& reason) {
    link.write(formatResponse(request, status, reason, randomHex(8)), config_.transaction_timeout);
}

}  // namespace relaysync::transport_sip
