#pragma once
// What a relay or terminal counts about itself, for the /metrics page (docs/metrics.md lists
// every name). Each engine owns one; the engine, the outbox dispatcher and the node call these
// where they already do the work, and each call is one atomic update (plus a short lookup for a
// labelled family). Names keep the relaysync_ prefix in every vendor's build, so dashboards
// and alerts work across brands.

#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "metrics/registry.h"

namespace relaysync::metrics {

class NodeMetrics {
public:
    NodeMetrics();
    NodeMetrics(const NodeMetrics&) = delete;
    NodeMetrics& operator=(const NodeMetrics&) = delete;

    Registry& registry() { return registry_; }

    // Why a message from a peer was not applied (label `reason`).
    enum class Refusal {
        malformed,         // did not decode
        misaddressed,      // from, to or id do not match the authenticated sender and this node
        foreign_terminal,  // a terminal of another relay
        busy,              // would exceed the deferral limits: not taken, the sender retries
        rejected,          // the handler refused it (answered with ok: false)
    };
    // Where something went wrong (label `kind`); each is also logged.
    enum class Error {
        receive,   // a message could not be stored; the sender retries
        send,      // a sender thread failed
        dispatch,  // the outbox loop failed (expiry, pruning, starting senders)
        check,     // a requested check failed
    };

    void received(std::string_view type) { messages_received_.with({std::string(type)}).add(); }
    void sent(std::string_view type) { messages_sent_.with({std::string(type)}).add(); }
    void refused(Refusal reason);
    void deferred() { deferred_.add(); }
    void duplicate() { duplicates_.add(); }

    void delivered() { delivered_.add(); }
    void deadLettered() { dead_lettered_.add(); }

    // `local`: started at this node (a user or operator asked it), else asked by a peer.
    void syncStarted(bool local);
    // `complete`: every node answered and no problem was reported.
    void syncFinished(bool local, bool complete, double seconds);

    void checkRun(std::size_t entities, double seconds);

    // The transport's word on a peer; the gauge counts distinct peers reachable now.
    void peerReachable(const std::string& account, bool reachable);

    void adminCommand(bool ok) { admin_commands_.with({ok ? "ok" : "error"}).add(); }
    void error(Error kind);

private:
    Registry registry_;
    Family<Counter>& messages_received_;
    Family<Counter>& messages_sent_;
    Family<Counter>& messages_refused_;
    Counter& deferred_;
    Counter& duplicates_;
    Counter& delivered_;
    Counter& dead_lettered_;
    Family<Counter>& syncs_started_;
    Family<Counter>& syncs_finished_;
    Family<Histogram>& sync_duration_;
    Counter& checks_;
    Counter& entities_checked_;
    Histogram& check_duration_;
    Gauge& peers_connected_;
    Family<Counter>& admin_commands_;
    Family<Counter>& errors_;

    std::mutex peers_mutex_;
    std::set<std::string> reachable_peers_;
};

}  // namespace relaysync::metrics
