#include "acceptor.h"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocketImpl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wire.h"

namespace relaysync::transport_direct {

namespace {

using std::chrono::milliseconds;

// How long the thread sleeps at most in poll(), so that it notices stop() soon.
constexpr int kPollMs = 100;
// Connections taken from the listen backlog in one turn, so that pending ones are served too.
constexpr int kAcceptBatch = 64;
constexpr milliseconds kAcceptPause{100};

const char* stageText(PendingHandshake::Stage stage) {
    switch (stage) {
    case PendingHandshake::Stage::silent: return "nothing received";
    case PendingHandshake::Stage::tls: return "TLS not finished";
    case PendingHandshake::Stage::hello: return "no HELLO yet";
    }
    return "?";
}

int millisUntil(std::chrono::steady_clock::time_point when, std::chrono::steady_clock::time_point now) {
    return static_cast<int>(std::max<long long>(0, std::chrono::ceil<milliseconds>(when - now).count()));
}

}  // namespace

Acceptor::Acceptor(std::unique_ptr<Poco::Net::ServerSocket> server, std::string listen, ConnectionSettings settings,
                   Limits limits, AcceptorEvents& events, Poco::Logger& log, LogLimiter& limiter)
    : server_(std::move(server)),
      listen_fd_(server_->impl()->sockfd()),
      listen_(std::move(listen)),
      settings_(std::move(settings)),
      limits_(limits),
      events_(events),
      log_(log),
      limiter_(limiter) {
    server_->setBlocking(false);  // accept4 below must not wait when another took the connection
}

Acceptor::~Acceptor() { stop(); }

void Acceptor::start() { thread_ = std::thread([this] { run(); }); }

void Acceptor::stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    server_.reset();
}

Acceptor::Stats Acceptor::stats() const {
    std::lock_guard lock(stats_mutex_);
    return stats_;
}

void Acceptor::run() {
    blockSigpipeInThisThread();
    std::vector<pollfd> polled;
    while (!stopping_) {
        std::erase(pending_, nullptr);
        auto now = Clock::now();
        const bool accepting = now >= accept_paused_until_;
        int timeout = accepting ? kPollMs : std::min(kPollMs, millisUntil(accept_paused_until_, now));
        polled.clear();
        polled.push_back({accepting ? listen_fd_ : -1, POLLIN, 0});  // poll skips a negative fd
        for (const auto& pending : pending_) {
            polled.push_back({pending->fd(), pending->pollEvents(), 0});
            timeout = std::min(timeout, millisUntil(pending->deadline(), now));
        }
        ::poll(polled.data(), polled.size(), timeout);

        // pending_ is as it was when `polled` was made: nothing is added or swept before this.
        for (std::size_t i = 0; i < pending_.size(); ++i)
            if (polled[i + 1].revents != 0) step(i);
        expireOverdue(Clock::now());
        if (polled[0].revents & POLLIN) acceptWaiting();
    }
    for (std::size_t i = 0; i < pending_.size(); ++i)
        if (pending_[i]) end(i, {CloseReason::Kind::stopped, "this node is stopping"});
    pending_.clear();
}

void Acceptor::acceptWaiting() {
    for (int taken = 0; taken < kAcceptBatch; ++taken) {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            admit(fd, address, length);
            continue;
        }
        const int error = errno;
        if (error == EINTR || error == ECONNABORTED) continue;
        if (error == EAGAIN || error == EWOULDBLOCK) return;
        if (outOfDescriptors(error)) {
            switch (shed(error)) {
            case Shed::one: continue;
            case Shed::none_waiting: return;
            case Shed::failed: break;
            }
        } else {
            limiter_.warning(listen_, "accepting a connection on " + listen_ + " failed: " + std::strerror(error));
        }
        accept_paused_until_ = Clock::now() + kAcceptPause;
        return;
    }
}

// Out of descriptors, the waiting connection would wake every poll; taking it with the spare
// descriptor and closing it at once tells its peer to try later, and the log says why.
Acceptor::Shed Acceptor::shed(int error) {
    spare_.release();
    const std::string why = describeDescriptorShortage(error);  // while one descriptor is free
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    const int accept_error = errno;
    if (fd >= 0) ::close(fd);
    spare_.acquire();
    if (fd < 0) {
        // Linux says EMFILE before it looks for a connection: there may have been none.
        if (accept_error == EAGAIN || accept_error == EWOULDBLOCK) return Shed::none_waiting;
        limiter_.warning(listen_, "cannot accept connections on " + listen_ + ": " + why + "; trying again in " +
                                      std::to_string(kAcceptPause.count()) + " ms");
        return Shed::failed;
    }
    {
        std::lock_guard lock(stats_mutex_);
        ++stats_.shed;
    }
    const Poco::Net::SocketAddress from(reinterpret_cast<const sockaddr*>(&address), length);
    limiter_.warning(from.host().toString(), "closed the connection from " + from.toString() + " on " + listen_ +
                                                 " at once: " + why);
    return Shed::one;
}

void Acceptor::admit(int fd, const sockaddr_storage& address, unsigned length) {
    Poco::Net::StreamSocket socket(new Poco::Net::StreamSocketImpl(fd));  // owns fd from here on
    std::string from;
    std::string source;
    try {
        const Poco::Net::SocketAddress peer(reinterpret_cast<const sockaddr*>(&address), length);
        from = peer.toString();
        source = peer.host().toString();
    } catch (const std::exception& e) {
        limiter_.warning(listen_, "closed a connection on " + listen_ + " with an unreadable address: " + e.what());
        return;
    }
    makeRoomFor(source);
    try {
        pending_.push_back(std::make_unique<PendingHandshake>(settings_, socket, from, source));
    } catch (const std::exception& e) {
        limiter_.information(source, "connection with " + from + " (account not yet known) closed: " + e.what());
        return;
    }
    ++live_;
    ++pending_per_source_[source];
    {
        std::lock_guard lock(stats_mutex_);
        ++stats_.accepted;
        stats_.peak_pending = std::max(stats_.peak_pending, live_);
    }
    step(pending_.size() - 1);  // its first bytes have often arrived with it
}

void Acceptor::makeRoomFor(const std::string& source) {
    for (;;) {
        std::string cap;
        std::size_t victim = 0;
        if (const auto found = pending_per_source_.find(source);
            found != pending_per_source_.end() && found->second >= limits_.max_handshakes_per_address) {
            victim = weakest(source);
            cap = "max_handshakes_per_address (" + std::to_string(limits_.max_handshakes_per_address) +
                  ") reached for " + source;
        } else if (live_ >= limits_.max_handshakes) {
            victim = weakest({});
            cap = "max_handshakes (" + std::to_string(limits_.max_handshakes) + ") reached";
        } else {
            return;
        }
        if (victim == pending_.size()) return;
        // Its first bytes may have come since the last poll (a burst of accepts is taken before
        // pending sockets are looked at again): a real peer must not be dropped for that.
        if (pending_[victim]->stage() == PendingHandshake::Stage::silent) {
            step(victim);
            if (!pending_[victim] || pending_[victim]->stage() != PendingHandshake::Stage::silent) continue;
        }
        drop(victim, cap);
        return;
    }
}

void Acceptor::drop(std::size_t index, const std::string& cap) {
    const PendingHandshake& dropped = *pending_[index];
    const auto age = std::chrono::duration_cast<milliseconds>(Clock::now() - dropped.accepted());
    limiter_.warning(dropped.source(), "dropped the connection with " + dropped.describe() + " after " +
                                           std::to_string(age.count()) + " ms (" + stageText(dropped.stage()) +
                                           ") for a newer one: " + cap);
    {
        std::lock_guard lock(stats_mutex_);
        ++stats_.dropped;
    }
    forget(index);
}

std::size_t Acceptor::weakest(const std::string& source) const {
    std::size_t found = pending_.size();
    auto rank = [&](const PendingHandshake& pending) {
        const auto crowd = static_cast<long long>(source.empty() ? pending_per_source_.at(pending.source()) : 0);
        // Less progress first, then the busiest address, then the oldest.
        return std::make_tuple(static_cast<int>(pending.stage()), -crowd, pending.accepted());
    };
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        if (!pending_[i] || (!source.empty() && pending_[i]->source() != source)) continue;
        if (found == pending_.size() || rank(*pending_[i]) < rank(*pending_[found])) found = i;
    }
    return found;
}

void Acceptor::step(std::size_t index) {
    std::optional<ProvenPeer> proven;
    try {
        if (!pending_[index]->advance()) return;
        proven = pending_[index]->release();
    } catch (...) {
        end(index, closeReasonOf(std::current_exception()));
        return;
    }
    forget(index);
    events_.onProven(std::move(*proven));
}

void Acceptor::expireOverdue(Clock::time_point now) {
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        if (!pending_[i]) continue;
        if (const auto why = pending_[i]->overdue(now)) {
            {
                std::lock_guard lock(stats_mutex_);
                ++stats_.overdue;
            }
            end(i, {CloseReason::Kind::refused, *why});
        }
    }
}

void Acceptor::end(std::size_t index, const CloseReason& reason) {
    const PendingHandshake& pending = *pending_[index];
    switch (reason.kind) {
    case CloseReason::Kind::refused:
        limiter_.warning(pending.source(), "refused the connection with " + pending.describe() + ": " + reason.text);
        break;
    case CloseReason::Kind::unreachable:
    case CloseReason::Kind::lost:
        limiter_.information(pending.source(), "connection with " + pending.describe() + " closed: " + reason.text);
        break;
    case CloseReason::Kind::stopped:
        log_.debug("closed the connection with %s: %s", pending.describe(), reason.text);
        break;
    }
    forget(index);
}

void Acceptor::forget(std::size_t index) {
    const std::string source = pending_[index]->source();
    if (const auto found = pending_per_source_.find(source); found != pending_per_source_.end() && --found->second == 0)
        pending_per_source_.erase(found);
    --live_;
    pending_[index].reset();  // closes the socket
}

}  // namespace relaysync::transport_direct
