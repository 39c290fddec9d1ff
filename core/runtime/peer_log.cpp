#include "runtime/peer_log.h"

#include "model/wall_clock.h"

namespace relaysync::core {

PeerRecord* PeerLog::recordOf(const std::string& account) {
    const auto found = peers_.find(account);
    if (found != peers_.end()) return &found->second;
    if (peers_.size() >= kMaxPeers) return nullptr;
    auto& made = peers_[account];
    made.account = account;
    return &made;
}

void PeerLog::reachabilityChanged(const std::string& account, bool reachable) {
    std::lock_guard lock(mutex_);
    auto* peer = recordOf(account);
    if (!peer || peer->reachable == reachable) return;
    peer->reachable = reachable;
    peer->since_ms = wallClockMs();
}

void PeerLog::messageFrom(const std::string& account) {
    std::lock_guard lock(mutex_);
    if (auto* peer = recordOf(account)) peer->last_message_ms = wallClockMs();
}

std::vector<PeerRecord> PeerLog::snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<PeerRecord> records;
    records.reserve(peers_.size());
    for (const auto& [account, record] : peers_) records.push_back(record);
    return records;
}

}  // namespace relaysync::core
