#include "runtime/peer_log.h"

namespace relaysync::core {
namespace {

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

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
    peer->since_ms = nowMs();
}

void PeerLog::messageFrom(const std::string& account) {
    std::lock_guard lock(mutex_);
    if (auto* peer = recordOf(account)) peer->last_message_ms = nowMs();
}

std::vector<PeerRecord> PeerLog::snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<PeerRecord> records;
    records.reserve(peers_.size());
    for (const auto& [account, record] : peers_) records.push_back(record);
    return records;
}

}  // namespace relaysync::core
