#include "peer_reachability.h"

namespace relaysync::transport_sip {

void PeerReachability::start(sdk::TransportListener& listener) {
    listener_ = &listener;
    events_.start();
}

sdk::Reachability PeerReachability::get(const std::string& account) const {
    std::lock_guard lock(mutex_);
    const auto found = known_.find(account);
    if (found == known_.end()) return sdk::Reachability::unknown;
    return found->second ? sdk::Reachability::reachable : sdk::Reachability::unreachable;
}

void PeerReachability::set(const std::string& account, bool reachable) {
    std::lock_guard lock(mutex_);
    lost_with_connection_.erase(account);
    const auto found = known_.find(account);
    if (found != known_.end() && found->second == reachable) return;
    known_[account] = reachable;
    report(account, reachable);
}

void PeerReachability::disconnected() {
    std::lock_guard lock(mutex_);
    for (auto& [account, reachable] : known_) {
        if (!reachable || own_connections_.count(account)) continue;
        reachable = false;
        lost_with_connection_.insert(account);
        report(account, false);
    }
}

void PeerReachability::reconnected() {
    std::lock_guard lock(mutex_);
    // Not known reachable yet, but worth trying: core retries its outbox on this event.
    for (const auto& account : lost_with_connection_) {
        known_.erase(account);
        report(account, true);
    }
    lost_with_connection_.clear();
}

void PeerReachability::report(const std::string& account, bool reachable) {
    if (!listener_) return;
    auto* listener = listener_;
    events_.submit([listener, account, reachable] { listener->onReachabilityChanged(account, reachable); });
}

}  // namespace relaysync::transport_sip
