#include "direct_transport.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>

#include "frame.h"

namespace relaysync::transport_direct {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds kSuperviseInterval{50};
constexpr long kAcceptPollMicroseconds = 100'000;
// Connections accepted but not yet through TLS and HELLO; more are refused at once, so that a
// flood of idle connections cannot take every thread.
constexpr std::size_t kMaxHandshakingInbound = 64;

std::string millis(milliseconds duration) { return std::to_string(duration.count()) + " ms"; }

std::optional<TlsContexts> tlsFor(const DirectConfig& config) {
    if (config.plaintext) return std::nullopt;
    return makeTlsContexts(config);
}

}  // namespace

DirectTransport::DirectTransport(const sdk::PluginConfig& config)
    : config_(parseConfig(config)), tls_(tlsFor(config_)), log_(Poco::Logger::get("relaysync.transport.direct")) {
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
    if (config_.listen) {
        try {
            auto server = std::make_unique<Poco::Net::ServerSocket>();
            // Reuse an address in TIME_WAIT after a restart, but never share a port that is in use.
            server->bind(Poco::Net::SocketAddress(config_.listen->host, config_.listen->port), true, false);
            server->listen(64);
            server_ = std::move(server);
        } catch (const Poco::Exception& e) {
            return sdk::Status::ioError("cannot listen on " + config_.listen->text() + ": " + e.displayText());
        }
    }
    own_account_ = own_account;
    listener_ = &listener;
    state_ = State::running;
    logStart();
    notifier_.start(listener);
    if (server_) acceptor_ = std::thread([this] { acceptLoop(); });
    supervisor_ = std::thread([this] { superviseLoop(); });
    for (auto& [account, peer] : peers_) dialLocked(peer);
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
        log_.information("direct transport for %s (%s): TLS with certificate %s, CA %s", own_account_, where,
                         config_.certificate, config_.ca);
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
    if (peers_.count(account)) return sdk::Reachability::unknown;
    return sdk::Reachability::unreachable;
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
    if (acceptor_.joinable()) acceptor_.join();
    if (supervisor_.joinable()) supervisor_.join();
    server_.reset();
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
        established_.clear();
        for (auto& [account, peer] : peers_) peer.outbound.reset();
    }
    notifier_.stop();
    log_.information("direct transport for %s stopped", own_account_);
}

void DirectTransport::acceptLoop() {
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (state_ != State::running) return;
        }
        try {
            if (!server_->poll(Poco::Timespan(kAcceptPollMicroseconds), Poco::Net::Socket::SELECT_READ)) continue;
            Poco::Net::SocketAddress from;
            Poco::Net::StreamSocket socket = server_->acceptConnection(from);
            std::lock_guard lock(mutex_);
            if (state_ != State::running) return;
            if (handshakingInboundLocked() >= kMaxHandshakingInbound) {
                log_.warning("refused a connection from %s: %z others are still in their handshake", from.toString(),
                             kMaxHandshakingInbound);
                continue;
            }
            auto connection = std::make_shared<Connection>(events(), settings(false), std::move(socket), from.toString());
            connections_.push_back(connection);
            connection->start();
        } catch (const std::exception& e) {
            log_.warning("accepting a connection on %s failed: %s", config_.listen->text(), std::string(e.what()));
            std::this_thread::sleep_for(milliseconds(100));  // e.g. out of file descriptors
        }
    }
}

void DirectTransport::superviseLoop() {
    std::unique_lock lock(mutex_);
    while (state_ == State::running) {
        const auto now = Clock::now();
        for (auto& [account, peer] : peers_)
            if (!peer.outbound && !established_.count(account) && now >= peer.next_attempt) dialLocked(peer);

        std::vector<std::shared_ptr<Connection>> finished;
        const auto ended = std::stable_partition(connections_.begin(), connections_.end(),
                                                 [](const auto& connection) { return !connection->finished(); });
        finished.assign(std::make_move_iterator(ended), std::make_move_iterator(connections_.end()));
        connections_.erase(ended, connections_.end());
        lock.unlock();
        for (const auto& connection : finished) connection->join();
        finished.clear();
        lock.lock();
        changed_.wait_for(lock, kSuperviseInterval, [this] { return state_ != State::running; });
    }
}

void DirectTransport::dialLocked(Peer& peer) {
    if (state_ != State::running) return;
    auto connection = std::make_shared<Connection>(events(), settings(true), peer.entry.account, peer.entry.address);
    peer.outbound = connection;
    connections_.push_back(connection);
    connection->start();
}

std::shared_ptr<Connection> DirectTransport::connectionToLocked(const std::string& account) const {
    const auto found = established_.find(account);
    // The newest: an older one may be a half-open leftover the keepalive has not caught yet.
    return found == established_.end() ? nullptr : found->second.back();
}

std::size_t DirectTransport::handshakingInboundLocked() const {
    return static_cast<std::size_t>(std::count_if(connections_.begin(), connections_.end(), [](const auto& connection) {
        return !connection->outbound() && !connection->established() && !connection->finished();
    }));
}

ConnectionSettings DirectTransport::settings(bool outbound) const {
    ConnectionSettings settings;
    settings.own_account = own_account_;
    if (tls_) {
        settings.own_role = tls_->own.role;
        settings.own_home_relay = tls_->own.home_relay;
    }
    settings.max_frame_bytes = config_.max_frame_bytes;
    settings.connect_timeout = config_.connect_timeout;
    settings.keepalive = config_.keepalive;
    if (tls_) settings.tls = outbound ? tls_->client : tls_->server;
    return settings;
}

bool DirectTransport::onEstablished(const std::shared_ptr<Connection>& connection) {
    const std::string account = connection->account();
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
            std::erase(found->second, connection);
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
    switch (reason.kind) {
    case CloseReason::Kind::refused:
        log_.warning("refused the connection with %s: %s%s", who, reason.text, retry);
        break;
    case CloseReason::Kind::unreachable:
    case CloseReason::Kind::lost:
        if (was_established || !connection->outbound())
            log_.information("connection with %s closed: %s%s", who, reason.text, retry);
        else if (repeated_failure)
            log_.debug("still cannot connect to %s: %s%s", who, reason.text, retry);
        else
            log_.information("cannot connect to %s: %s%s (retrying quietly from now on)", who, reason.text, retry);
        break;
    case CloseReason::Kind::stopped:
        log_.debug("closed the connection with %s: %s", who, reason.text);
        break;
    }
}

}  // namespace relaysync::transport_direct
