#include "direct_transport.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>

#include <openssl/x509.h>

#include <algorithm>

#include "descriptor_limits.h"
#include "frame.h"

namespace relaysync::transport_direct {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds kSuperviseInterval{50};
// Open files kept for everything but connections: the database, logs, plugins, the admin socket.
constexpr std::size_t kMinReservedDescriptors = 64;

std::string millis(milliseconds duration) { return std::to_string(duration.count()) + " ms"; }

std::optional<TlsContexts> tlsFor(const DirectConfig& config) {
    if (config.plaintext) return std::nullopt;
    return makeTlsContexts(config);
}

}  // namespace

DirectTransport::DirectTransport(const sdk::PluginConfig& config)
    : config_(parseConfig(config)),
      tls_(tlsFor(config_)),
      log_(Poco::Logger::get("relaysync.transport.direct")),
      limiter_(log_, config_.warnings_per_source, config_.warnings_window),
      budget_(std::make_shared<FrameBudget>(config_.max_buffered_bytes)),
      max_handshakes_(config_.max_handshakes),
      max_connections_(config_.max_connections),
      delivery_(config_.delivery_threads) {
    for (const auto& entry : config_.peers) {
        Peer peer;
        peer.entry = entry;
        peer.backoff = config_.reconnect_initial;
        peers_.emplace(entry.account, std::move(peer));
    }
}

DirectTransport::~DirectTransport() { stop(); }

sdk::Status DirectTransport::start(const std::string& own_account, sdk::TransportListener& listener) {
    std::lock_guard lock(mutex_);
    if (state_ != State::created)
        return sdk::Status::invalidArgument("a direct transport starts only once; make a new one to start again");
    if (const auto problem = accountProblem(own_account); !problem.empty())
        return sdk::Status::invalidArgument("own account '" + own_account + "': " + problem);
    if (tls_ && tls_->own.account != own_account)
        return sdk::Status::invalidArgument("certificate " + config_.certificate + " is for " + tls_->own.account +
                                            ", but this node is " + own_account);
    if (peers_.count(own_account)) return sdk::Status::invalidArgument("peers lists this node's own account " + own_account);
    own_account_ = own_account;
    fitLimitsToDescriptors();
    if (const auto status = listen(); !status.isOk()) return status;
    listener_ = &listener;
    state_ = State::running;
    logStart();
    notifier_.start(listener);
    io_.start();
    delivery_.start();
    if (acceptor_) acceptor_->start();
    supervisor_ = std::thread([this] { superviseLoop(); });
    for (auto& [account, peer] : peers_) dialLocked(peer);
    return sdk::Status::ok();
}

// Every connection holds a file descriptor: the caps must leave room below the process's limit
// for everything else, or the process fails in places that cannot say why.
void DirectTransport::fitLimitsToDescriptors() {
    const DescriptorLimit limit = raiseDescriptorLimit();
    if (limit.now > limit.before)
        log_.information("raised this process's open-file limit (RLIMIT_NOFILE) from %z to %z", limit.before, limit.now);
    if (!config_.listen) return;
    const std::size_t reserved = std::max(kMinReservedDescriptors, limit.now / 4);
    const std::size_t room = limit.now > reserved + peers_.size() ? limit.now - reserved - peers_.size() : 0;
    if (max_handshakes_ + max_connections_ <= room) return;
    max_handshakes_ = std::max<std::size_t>(1, std::min(max_handshakes_, room / 4));
    max_connections_ = std::max<std::size_t>(1, std::min(max_connections_, room > max_handshakes_ ? room - max_handshakes_ : 1));
    log_.warning("max_handshakes (%z) and max_connections (%z) do not fit in this process's open-file limit of %z "
                 "(keeping %z for the database, logs and plugins, %z for dialing listed peers): using %z and %z; "
                 "raise the limit (e.g. LimitNOFILE= in the service unit) or lower them",
                 config_.max_handshakes, config_.max_connections, limit.now, reserved, peers_.size(), max_handshakes_,
                 max_connections_);
}

sdk::Status DirectTransport::listen() {
    if (!config_.listen) return sdk::Status::ok();
    try {
        auto server = std::make_unique<Poco::Net::ServerSocket>();
        // Reuse an address in TIME_WAIT after a restart, but never share a port that is in use.
        server->bind(Poco::Net::SocketAddress(config_.listen->host, config_.listen->port), true, false);
        // Room in the kernel's queue for a burst of newcomers; the kernel caps it at somaxconn.
        server->listen(static_cast<int>(std::clamp<std::size_t>(max_handshakes_, 64, 4096)));
        Acceptor::Limits limits{max_handshakes_, std::min(config_.max_handshakes_per_address, max_handshakes_)};
        acceptor_ = std::make_unique<Acceptor>(std::move(server), config_.listen->text(), settings(false), limits,
                                               static_cast<AcceptorEvents&>(*this), log_, limiter_);
    } catch (const Poco::Exception& e) {
        return sdk::Status::ioError("cannot listen on " + config_.listen->text() + ": " + e.displayText());
    }
    return sdk::Status::ok();
}

void DirectTransport::logStart() const {
    const std::string where = (config_.listen ? "listening on " + config_.listen->text() : std::string("not listening")) +
                              ", " + std::to_string(peers_.size()) + " listed peer(s)";
    if (config_.plaintext) {
        log_.warning("direct transport for %s (%s) is UNENCRYPTED AND UNAUTHENTICATED (plaintext: true): every "
                     "message can be read and changed on the network, and any program that connects can claim "
                     "any account. Use it only for tests or an isolated lab.",
                     own_account_, where);
    } else {
        const std::string crl = tls_->revocations ? ", revocation list " + config_.crl + " (" +
                                                        tls_->revocations->current()->summary() + ")"
                                                  : std::string(", no revocation list");
        log_.information("direct transport for %s (%s): TLS with certificate %s, CA %s%s", own_account_, where,
                         config_.certificate, config_.ca, crl);
    }
}

sdk::Status DirectTransport::send(const std::string& to, const std::string& payload) {
    if (messageFrameLength(payload.size()) > config_.max_frame_bytes)
        return sdk::Status::invalidArgument("a payload of " + std::to_string(payload.size()) +
                                            " bytes does not fit in max_frame_bytes (" +
                                            std::to_string(config_.max_frame_bytes) + "): at most " +
                                            std::to_string(config_.max_frame_bytes - messageFrameLength(0)));
    std::shared_ptr<Connection> connection;
    {
        std::unique_lock lock(mutex_);
        if (state_ != State::running) return sdk::Status::unreachable("the direct transport is not running");
        connection = connectionToLocked(to);
        if (!connection) {
            const auto found = peers_.find(to);
            if (found == peers_.end())
                return sdk::Status::unreachable(to + " is not connected, and is not a listed peer to dial");
            Peer& peer = found->second;
            if (!peer.outbound) {
                const auto wait = std::chrono::duration_cast<milliseconds>(peer.next_attempt - Clock::now());
                if (wait.count() > 0)
                    return sdk::Status::unreachable(to + " is not connected (" + peer.last_failure +
                                                    "); next attempt in " + millis(wait));
                dialLocked(peer);
            }
            // The dial ends by itself within connect_timeout_ms; the margin only guards the wait.
            changed_.wait_for(lock, config_.connect_timeout + milliseconds(500), [&] {
                return state_ != State::running || connectionToLocked(to) || !peer.outbound;
            });
            connection = connectionToLocked(to);
            if (!connection)
                return sdk::Status::unreachable("could not connect to " + to + " at " + peer.entry.address.text() +
                                                (peer.last_failure.empty() ? "" : ": " + peer.last_failure));
        }
    }
    return connection->send(payload, config_.ack_timeout);
}

sdk::Reachability DirectTransport::reachability(const std::string& account) const {
    std::lock_guard lock(mutex_);
    if (established_.count(account)) return sdk::Reachability::reachable;
    return sdk::Reachability::unreachable;  // listed peers too, until their dial succeeds
}

void DirectTransport::stop() {
    std::lock_guard stopping(stop_mutex_);
    {
        std::lock_guard lock(mutex_);
        const bool was_running = state_ == State::running;
        state_ = State::stopped;
        if (!was_running) return;
    }
    changed_.notify_all();
    // Nothing makes new connections once these two are gone.
    if (acceptor_) acceptor_->stop();
    if (supervisor_.joinable()) supervisor_.join();
    std::vector<std::shared_ptr<Connection>> connections;
    {
        std::lock_guard lock(mutex_);
        connections = connections_;
    }
    for (const auto& connection : connections) connection->close(CloseReason::Kind::stopped, "this node is stopping");
    for (const auto& connection : connections) connection->join();
    {
        std::lock_guard lock(mutex_);
        connections_.clear();
        to_dial_.clear();
        established_.clear();
        for (auto& [account, peer] : peers_) peer.outbound.reset();
    }
    // Only now: closing connections need both to finish.
    delivery_.stop();
    io_.stop();
    notifier_.stop();
    limiter_.flush();
    logPeaks();
}

// What the limits met, for operators tuning them (and for the tests that prove them).
void DirectTransport::logPeaks() const {
    std::string text = "direct transport for " + own_account_ + " stopped; at most " +
                       std::to_string(budget_->peak()) + " bytes of frames were held at once (max_buffered_bytes " +
                       std::to_string(budget_->limit()) + ")";
    if (acceptor_) {
        const auto stats = acceptor_->stats();
        text += ", " + std::to_string(stats.peak_pending) + " connections in their handshake (max_handshakes " +
                std::to_string(max_handshakes_) + "), " + std::to_string(peak_inbound_established_) +
                " established from peers (max_connections " + std::to_string(max_connections_) + "); " +
                std::to_string(stats.accepted) + " accepted, " + std::to_string(stats.dropped) +
                " dropped for newer ones, " + std::to_string(stats.overdue) + " past connect_timeout_ms, " +
                std::to_string(stats.shed) + " closed for want of file descriptors";
    }
    log_.information(text);
}

void DirectTransport::superviseLoop() {
    std::unique_lock lock(mutex_);
    while (state_ == State::running) {
        const auto now = Clock::now();
        for (auto& [account, peer] : peers_)
            if (!peer.outbound && !established_.count(account) && now >= peer.next_attempt) dialLocked(peer);

        std::erase_if(connections_, [](const auto& connection) { return connection->finished(); });
        std::vector<std::shared_ptr<Connection>> dialing;
        dialing.swap(to_dial_);
        lock.unlock();
        // Outside the lock: resolving a peer's address may wait for DNS.
        for (const auto& connection : dialing) connection->start();
        dialing.clear();
        cutOffRevoked();
        limiter_.flush();
        lock.lock();
        changed_.wait_for(lock, kSuperviseInterval, [this] { return state_ != State::running || !to_dial_.empty(); });
    }
}

std::optional<std::string> DirectTransport::revokedNow(const Connection& connection) const {
    if (!tls_ || !tls_->revocations) return std::nullopt;
    const auto certificate = connection.peerCertificate();
    if (!certificate) return std::nullopt;
    const auto how = tls_->revocations->revocation(certificate.get());
    if (!how) return std::nullopt;
    return "its certificate " + plugin_common::nameText(X509_get_subject_name(certificate.get())) + " is revoked (" +
           *how + ") by the list in " + tls_->revocations->path();
}

// Handshakes check the list in force; this catches the peers that were let in before it named
// them. Connections established meanwhile were checked on the way in (onProven, onEstablished).
void DirectTransport::cutOffRevoked() {
    if (!tls_ || !tls_->revocations) return;
    tls_->revocations->current();  // reads the file again if it changed
    const std::uint64_t generation = tls_->revocations->generation();
    if (generation == swept_generation_) return;
    swept_generation_ = generation;
    std::vector<std::shared_ptr<Connection>> connections;
    {
        std::lock_guard lock(mutex_);
        connections = connections_;
    }
    for (const auto& connection : connections)
        if (const auto why = revokedNow(*connection)) connection->close(CloseReason::Kind::refused, *why);
}

void DirectTransport::dialLocked(Peer& peer) {
    if (state_ != State::running) return;
    auto connection = std::make_shared<Connection>(events(), settings(true), peer.entry.account, peer.entry.address);
    peer.outbound = connection;
    connections_.push_back(connection);
    to_dial_.push_back(connection);
    changed_.notify_all();  // the supervisor starts it
}

std::shared_ptr<Connection> DirectTransport::connectionToLocked(const std::string& account) const {
    const auto found = established_.find(account);
    // The newest: an older one may be a half-open leftover the keepalive has not caught yet.
    return found == established_.end() ? nullptr : found->second.back();
}

ConnectionSettings DirectTransport::settings(bool outbound) {
    ConnectionSettings settings;
    settings.self = tls_ ? tls_->own : sdk::PeerIdentity{own_account_, sdk::PeerRole::unknown, {}};
    settings.max_frame_bytes = config_.max_frame_bytes;
    settings.connect_timeout = config_.connect_timeout;
    settings.keepalive = config_.keepalive;
    settings.frame_timeout = config_.frame_timeout;
    if (tls_) settings.tls = outbound ? tls_->client : tls_->server;
    settings.budget = budget_;
    settings.io = &io_;
    settings.delivery = &delivery_;
    return settings;
}

bool DirectTransport::onEstablished(const std::shared_ptr<Connection>& connection) {
    const std::string account = connection->account();
    if (const auto why = revokedNow(*connection)) {
        connection->close(CloseReason::Kind::refused, *why);  // the reason the log gives
        return false;
    }
    {
        std::lock_guard lock(mutex_);
        if (state_ != State::running) return false;
        auto& connections = established_[account];
        connections.push_back(connection);
        if (connections.size() == 1) notifier_.post(account, true);
        if (const auto peer = peers_.find(account); connection->outbound() && peer != peers_.end()) {
            peer->second.backoff = config_.reconnect_initial;
            peer->second.failing = false;
            peer->second.last_failure.clear();
        }
    }
    changed_.notify_all();
    log_.information("connected with %s", connection->describe());
    return true;
}

void DirectTransport::onProven(ProvenPeer peer) {
    const std::string address = peer.address;
    auto connection = std::make_shared<Connection>(events(), settings(false), std::move(peer));
    const std::string account = connection->account();
    if (const auto why = revokedNow(*connection)) {
        limiter_.warning(account, "refused the connection with " + connection->describe() + ": " + *why);
        return;  // closes it
    }
    std::vector<std::shared_ptr<Connection>> replaced;
    {
        std::lock_guard lock(mutex_);
        if (state_ != State::running) return;
        auto& same = established_[account];
        const bool was_reachable = !same.empty();
        // The oldest give way: a peer that reconnects is never locked out by its own leftovers
        // (half-open connections the keepalive has not caught yet), even when max_connections
        // is reached, and one account cannot hold more than a few.
        auto inbound = [](const auto& each) { return !each->outbound(); };
        for (;;) {
            const auto held = static_cast<std::size_t>(std::count_if(same.begin(), same.end(), inbound));
            if (held < config_.max_connections_per_account && (held == 0 || inbound_established_ < max_connections_))
                break;
            const auto oldest = std::find_if(same.begin(), same.end(), inbound);
            replaced.push_back(*oldest);
            same.erase(oldest);
            --inbound_established_;
        }
        if (inbound_established_ >= max_connections_) {
            if (same.empty()) established_.erase(account);
            limiter_.warning(account, "refused the connection with " + connection->describe() + ": max_connections (" +
                                          std::to_string(max_connections_) +
                                          ") reached: that many connections from peers are established already");
            return;  // closes it
        }
        same.push_back(connection);
        ++inbound_established_;
        peak_inbound_established_ = std::max(peak_inbound_established_, inbound_established_);
        connections_.push_back(connection);
        if (!was_reachable) notifier_.post(account, true);
    }
    changed_.notify_all();
    for (const auto& old : replaced) {
        old->close(CloseReason::Kind::stopped, "replaced by a newer connection from the same account");
        limiter_.information(account, "closed the connection with " + old->describe() + ": a newer one came from " +
                                          address + " (max_connections_per_account: " +
                                          std::to_string(config_.max_connections_per_account) + ")");
    }
    limiter_.information(account, "connected with " + connection->describe());
    connection->start();
}

void DirectTransport::onBufferFull(const Connection& connection, std::size_t frame_bytes) {
    limiter_.warning(connection.account(), "reading a frame of " + std::to_string(frame_bytes) + " bytes from " +
                                               connection.describe() + " waits for room: frames held by all "
                                               "connections fill max_buffered_bytes (" +
                                               std::to_string(budget_->limit()) + ")");
}

bool DirectTransport::onMessage(const Connection& connection, const std::string& payload) {
    try {
        const auto status = listener_->onMessage(connection.identity(), payload);
        if (status.isOk()) return true;
        log_.error("a message from %s was not taken, so not acknowledged: %s", connection.account(), status.toString());
    } catch (const std::exception& e) {
        log_.error("the listener threw from onMessage (from %s): %s", connection.account(), std::string(e.what()));
    } catch (...) {
        log_.error("the listener threw from onMessage (from %s)", connection.account());
    }
    return false;
}

void DirectTransport::onClosed(const std::shared_ptr<Connection>& connection, const CloseReason& reason) {
    const std::string account = connection->account();
    const bool was_established = connection->established();
    bool repeated_failure = false;
    milliseconds retry_in{0};
    {
        std::lock_guard lock(mutex_);
        if (auto found = established_.find(account); was_established && found != established_.end()) {
            if (std::erase(found->second, connection) > 0 && !connection->outbound()) --inbound_established_;
            if (found->second.empty()) {
                established_.erase(found);
                if (state_ == State::running) notifier_.post(account, false);
            }
        }
        if (auto peer = peers_.find(account); connection->outbound() && peer != peers_.end() &&
                                              peer->second.outbound == connection) {
            Peer& state = peer->second;
            state.outbound.reset();
            retry_in = state.backoff;
            state.next_attempt = Clock::now() + state.backoff;
            if (!was_established) {
                repeated_failure = state.failing;
                state.failing = true;
                state.last_failure = reason.text;
                state.backoff = std::min(state.backoff * 2, config_.reconnect_max);
            }
        }
    }
    changed_.notify_all();

    const std::string who = connection->describe();
    const std::string retry = connection->outbound() ? "; dialing again in " + millis(retry_in) : "";
    // What an accepted peer makes us log is held to warnings_per_source; a listed peer's own
    // failures are already quiet after the first.
    const auto log = [&](Poco::Message::Priority priority, const std::string& text) {
        if (connection->outbound())
            log_.log(Poco::Message(log_.name(), text, priority));
        else
            limiter_.log(account, priority, text);
    };
    switch (reason.kind) {
    case CloseReason::Kind::refused:
        log(Poco::Message::PRIO_WARNING, "refused the connection with " + who + ": " + reason.text + retry);
        break;
    case CloseReason::Kind::unreachable:
    case CloseReason::Kind::lost:
        if (was_established || !connection->outbound())
            log(Poco::Message::PRIO_INFORMATION, "connection with " + who + " closed: " + reason.text + retry);
        else if (repeated_failure)
            log(Poco::Message::PRIO_DEBUG, "still cannot connect to " + who + ": " + reason.text + retry);
        else
            log(Poco::Message::PRIO_INFORMATION,
                "cannot connect to " + who + ": " + reason.text + retry + " (retrying quietly from now on)");
        break;
    case CloseReason::Kind::stopped:
        log(Poco::Message::PRIO_DEBUG, "closed the connection with " + who + ": " + reason.text);
        break;
    }
}

}  // namespace relaysync::transport_direct
