#include "runtime/in_process_network.h"

#include <algorithm>

namespace relaysync::core {

class InProcessTransport final : public sdk::Transport {
public:
    InProcessTransport(InProcessNetwork& network, sdk::PeerIdentity identity)
        : network_(network), identity_(std::move(identity)), account_(identity_.account) {}
    ~InProcessTransport() override { stop(); }

    sdk::Status start(const std::string& own_account, sdk::TransportListener& listener) override {
        if (own_account != account_)
            return sdk::Status::invalidArgument("transport made for " + account_ + " started as " + own_account);
        network_.attach(identity_, &listener);
        started_ = true;
        return sdk::Status::ok();
    }
    sdk::Status send(const std::string& to, const std::string& payload) override {
        return network_.send(account_, to, payload);
    }
    sdk::Reachability reachability(const std::string& account) const override { return network_.reachability(account); }
    // Anything fits in memory; the engine's own limits.max_payload_bytes bounds what it sends.
    std::size_t maxPayloadBytes() const override { return std::size_t{64} * 1024 * 1024; }
    void stop() override {
        if (started_) network_.detach(account_);
        started_ = false;
    }

private:
    InProcessNetwork& network_;
    const sdk::PeerIdentity identity_;
    const std::string account_;
    bool started_ = false;
};

std::shared_ptr<sdk::Transport> InProcessNetwork::transportFor(const sdk::PeerIdentity& identity) {
    return std::make_shared<InProcessTransport>(*this, identity);
}

std::shared_ptr<sdk::Transport> InProcessNetwork::transportFor(const std::string& account) {
    return transportFor(sdk::PeerIdentity{account, sdk::PeerRole::unknown, {}});
}

void InProcessNetwork::attach(const sdk::PeerIdentity& identity, sdk::TransportListener* listener) {
    listeners_[identity.account] = listener;
    identities_[identity.account] = identity;
}

// What is queued for a detached node stays queued: the transport already took it.
void InProcessNetwork::detach(const std::string& account) { listeners_.erase(account); }

sdk::Reachability InProcessNetwork::reachability(const std::string& account) const {
    return listeners_.count(account) && !offline_.count(account) ? sdk::Reachability::reachable
                                                                 : sdk::Reachability::unreachable;
}

sdk::Status InProcessNetwork::send(const std::string& from, const std::string& to, const std::string& payload) {
    if (offline_.count(from)) return sdk::Status::unreachable(from + " is offline");
    if (reachability(to) != sdk::Reachability::reachable) return sdk::Status::unreachable(to + " is not reachable");
    carried_.push_back({from, to, payload});
    std::uniform_real_distribution<double> draw(0.0, 1.0);
    if (faults_ && draw(fault_random_) < faults_->lose) {
        ++lost_;  // the sender thinks it delivered
        return sdk::Status::ok();
    }
    queue_.push_back(carried_.back());
    if (duplicate_ || (faults_ && draw(fault_random_) < faults_->duplicate)) queue_.push_back(queue_.back());
    return sdk::Status::ok();
}

void InProcessNetwork::setFaults(std::optional<Faults> faults) {
    faults_ = faults;
    if (faults) fault_random_.seed(faults->seed);
}

void InProcessNetwork::setShuffle(std::optional<unsigned> seed) {
    if (seed)
        shuffle_.emplace(*seed);
    else
        shuffle_.reset();
}

std::size_t InProcessNetwork::run(std::size_t limit) {
    std::size_t delivered = 0;
    // Links whose receiver did not take their first message: tried again, in place, once
    // something else has been delivered (as a real sender retries later, keeping the order).
    std::set<std::pair<std::string, std::string>> blocked;
    while (delivered < limit) {
        // Messages for nodes that are offline or stopped wait in the queue. Shuffling picks a
        // link, never a message: one sender's messages to one receiver keep their order, as
        // every transport promises (sdk::Transport::send).
        std::vector<std::size_t> ready;
        std::set<std::pair<std::string, std::string>> links;
        for (std::size_t i = 0; i < queue_.size(); ++i) {
            std::pair<std::string, std::string> link{queue_[i].from, queue_[i].to};
            if (reachability(queue_[i].to) == sdk::Reachability::reachable && !held_.count(queue_[i].to) &&
                links.insert(link).second && !blocked.count(link))
                ready.push_back(i);
        }
        if (ready.empty()) break;
        std::size_t pick = ready.front();
        if (shuffle_) pick = ready[std::uniform_int_distribution<std::size_t>(0, ready.size() - 1)(*shuffle_)];
        const auto delivery = queue_[pick];
        queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(pick));
        const auto known = identities_.find(delivery.from);
        const auto sender = known != identities_.end() ? known->second : sdk::PeerIdentity{delivery.from, {}, {}};
        if (listeners_.at(delivery.to)->onMessage(sender, delivery.payload).isOk()) {
            blocked.clear();
        } else {
            queue_.insert(queue_.begin() + static_cast<std::ptrdiff_t>(pick), delivery);
            blocked.emplace(delivery.from, delivery.to);
        }
        ++delivered;
    }
    return delivered;
}

void InProcessNetwork::setHeld(const std::string& account, bool held) {
    if (held)
        held_.insert(account);
    else
        held_.erase(account);
}

void InProcessNetwork::setOnline(const std::string& account, bool online) {
    if (online)
        offline_.erase(account);
    else
        offline_.insert(account);
    // Copy: a listener may start or stop transports while being told.
    const auto listeners = listeners_;
    for (const auto& [name, listener] : listeners)
        if (name != account) listener->onReachabilityChanged(account, online);
    if (online)
        if (auto self = listeners_.find(account); self != listeners_.end())
            for (const auto& [name, listener] : listeners)
                if (name != account) self->second->onReachabilityChanged(name, !offline_.count(name));
}

}  // namespace relaysync::core
