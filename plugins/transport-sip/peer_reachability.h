#pragma once
// What this transport knows of each peer: unknown until a MESSAGE to or from it told, then
// reachable or unreachable. Every change is reported to the listener in order, on a thread of
// its own (the listener may call send() from there).

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "relaysync/sdk/transport.h"
#include "job_pool.h"

namespace relaysync::transport_sip {

class PeerReachability {
public:
    PeerReachability() = default;
    void start(sdk::TransportListener& listener);
    void stop() { events_.stop(); }

    sdk::Reachability get(const std::string& account) const;
    void set(const std::string& account, bool reachable);
    // Accounts reached without the server (a relay's own terminals): losing the server
    // connection says nothing about them.
    void setOwnConnections(std::set<std::string> accounts) { own_connections_ = std::move(accounts); }
    // The server connection is gone: every reachable peer becomes unreachable, and is
    // remembered so that reconnected() can say it is worth trying again.
    void disconnected();
    void reconnected();

private:
    void report(const std::string& account, bool reachable);  // with mutex_ held

    mutable std::mutex mutex_;
    std::map<std::string, bool> known_;
    std::set<std::string> lost_with_connection_;
    std::set<std::string> own_connections_;
    sdk::TransportListener* listener_ = nullptr;
    plugin_common::JobPool events_{1, 100000};
};

}  // namespace relaysync::transport_sip
