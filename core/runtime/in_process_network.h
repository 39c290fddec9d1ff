#pragma once
// An in-process transport: every node of a demo or a test in one process, messages delivered
// one at a time when run() is called, so runs are deterministic. It counts every message it
// carries, can take nodes offline, and can duplicate and reorder deliveries to test that the
// protocol does not care.

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "relaysync/sdk/transport.h"

namespace relaysync::core {

class InProcessNetwork {
public:
    struct Delivery {
        std::string from;
        std::string to;
        std::string payload;
    };

    // A transport for one peer on this network; receivers are told its identity as given, as a
    // real transport tells what the peer's credentials prove.
    std::shared_ptr<sdk::Transport> transportFor(const sdk::PeerIdentity& identity);
    // The same with no proven role (sdk::PeerRole::unknown).
    std::shared_ptr<sdk::Transport> transportFor(const std::string& account);

    sdk::Status send(const std::string& from, const std::string& to, const std::string& payload);
    sdk::Reachability reachability(const std::string& account) const;

    // Delivers queued messages (and those they cause) until none are left or `limit` is hit.
    // Returns how many were delivered.
    std::size_t run(std::size_t limit = 1'000'000);

    // An offline node neither sends nor receives; going online tells every node.
    void setOnline(const std::string& account, bool online);
    // A held node looks reachable but takes nothing: what is sent to it waits (a hung peer).
    void setHeld(const std::string& account, bool held);

    // Fault injection: deliver every message twice, and/or interleave the links in a random
    // order (each link stays in order).
    void setDuplicate(bool duplicate) { duplicate_ = duplicate; }
    void setShuffle(std::optional<unsigned> seed);
    // Fault injection: lose the fraction `lose` of the messages senders believe delivered, and
    // deliver the fraction `duplicate` twice, drawn from `seed`; nullopt: no faults.
    struct Faults {
        double lose = 0;
        double duplicate = 0;
        unsigned seed = 0;
    };
    void setFaults(std::optional<Faults> faults);
    std::size_t lost() const { return lost_; }

    // Every message carried since the last clear, in order of sending.
    const std::vector<Delivery>& carried() const { return carried_; }
    void clearCarried() { carried_.clear(); }

private:
    friend class InProcessTransport;
    void attach(const sdk::PeerIdentity& identity, sdk::TransportListener* listener);
    void detach(const std::string& account);

    std::map<std::string, sdk::TransportListener*> listeners_;
    std::map<std::string, sdk::PeerIdentity> identities_;
    std::set<std::string> offline_;
    std::set<std::string> held_;
    std::vector<Delivery> queue_;
    std::vector<Delivery> carried_;
    bool duplicate_ = false;
    std::optional<std::mt19937> shuffle_;
    std::optional<Faults> faults_;
    std::mt19937 fault_random_;
    std::size_t lost_ = 0;
};

}  // namespace relaysync::core
