#pragma once
// What a node has seen of each peer: whether its transport reaches it, since when, and when a
// message last came from it. For `relaysync-admin peers`; thread-safe (transport threads
// write, admin workers read).

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace relaysync::core {

struct PeerRecord {
    std::string account;
    std::optional<bool> reachable;  // none until the transport said
    std::int64_t since_ms = 0;      // when `reachable` last changed (Unix ms); 0 if never
    std::int64_t last_message_ms = 0;  // 0: no message from it since this node started
};

class PeerLog {
public:
    // Peers kept at most: only authenticated peers reach it, but a bound costs nothing.
    static constexpr std::size_t kMaxPeers = 10'000;

    void reachabilityChanged(const std::string& account, bool reachable);
    void messageFrom(const std::string& account);
    // By account.
    std::vector<PeerRecord> snapshot() const;

private:
    PeerRecord* recordOf(const std::string& account);  // under mutex_; null at the bound

    mutable std::mutex mutex_;
    std::map<std::string, PeerRecord> peers_;
};

}  // namespace relaysync::core
