#pragma once
// One four-site cluster of real processes for one test: its own temporary folder (profiles,
// data, certificates), the relays on ports that were free, every node started. The destructor
// stops every process it started (by pid) and removes the folder; RELAYSYNC_E2E_KEEP=1 keeps the
// folder for a look at the logs; RELAYSYNC_E2E_LOG_LEVEL=debug sets every node's log level. Children die with the test process even if it is killed
// (core/apps/cluster/child_process.h).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cluster/cluster.h"
#include "cluster/four_site.h"
#include "cluster/profile_writer.h"
#include "cluster/samba_site.h"
#include "cluster/sip_site.h"

namespace relaysync::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class E2eSite {
public:
    struct Options {
        std::string gone_entity = "mark";
        // sip: the relays talk only through a Kamailio this site runs (TLS, digest), each the
        // SIP registrar of its terminals (cluster/sip_site.h).
        cluster::TransportChoice transport = cluster::TransportChoice::direct;
        // sip: Kamailio accounts beyond the relays (account -> password).
        std::map<std::string, std::string> extra_sip_accounts;
        // Tokyo's and Nagoya's file servers as private smbd instances, network/z: of their
        // terminals an smb store with this timeout_ms (cluster/samba_site.h).
        bool samba = false;
        int smb_timeout_ms = 1000;
        // Changes the generated profiles (or adds nodes) before they are written.
        std::function<void(std::vector<cluster::ProfileSpec>&)> adjust;
        // Extra make-certs.sh requests ("terminal:ACCOUNT:RELAY") beyond the nodes'.
        std::vector<std::string> extra_certificates;
        // Runs after the certificates are made, before any node starts.
        std::function<void(cluster::Cluster&)> before_start;
    };

    E2eSite() : E2eSite(Options{}) {}
    explicit E2eSite(Options options);
    ~E2eSite();

    cluster::Cluster& cluster() { return *cluster_; }
    cluster::four_site::Scenario& scenario() { return *scenario_; }
    const cluster::four_site::Ids& ids() const { return scenario_->ids(); }
    const fs::path& dir() const { return dir_; }
    cluster::TransportChoice transport() const { return transport_; }
    // The SIP side (Kamailio, passwords); throws ClusterError on a direct site.
    cluster::SipSite& sip();
    // The file servers; throws ClusterError on a site without them.
    cluster::SambaSite& samba();

    // Fig. 10-12: groups formed, terminals admitted, workspace1 and projects shared with every
    // resource, each step waited for at every node concerned.
    void formGroupsAndShare();
    // The port a relay listens on (over SIP: for its terminals).
    std::uint16_t listenPort(const std::string& relay) const;
    // Writes (or rewrites) a file in a terminal's store.
    void writeEntity(const std::string& terminal, const std::string& location, const std::string& content);
    // The part of a node's log file written since `offset` (a size taken earlier).
    std::string logSince(const std::string& node, std::size_t offset) const;
    // What `observer` logs when its connection with `gone` (a terminal and its relay, or two
    // relays over direct) closes, as a regex for waitForLogLine.
    std::string closedLinePattern(const std::string& observer, const std::string& gone) const;

private:
    fs::path dir_;
    cluster::TransportChoice transport_;
    std::unique_ptr<cluster::SipSite> sip_;  // outlives the nodes: stopped after them
    std::unique_ptr<cluster::SambaSite> samba_;  // likewise
    std::unique_ptr<cluster::Cluster> cluster_;
    std::unique_ptr<cluster::four_site::Scenario> scenario_;
};

// Every holder of the share shows `expectation` (and the same entries), nobody else holds it.
void waitConverged(E2eSite& site, const std::string& what, const std::string& share_id,
                   const cluster::four_site::ShareExpectation& expectation, const std::set<std::string>& skip = {});

// client22 shares c:/notes.txt in workspace1 too, so that R2 relays updates of both its
// terminals; waits until every holder lists it.
void shareNotesOfClient22(E2eSite& site);

// Holds a node still with SIGSTOP for its lifetime; whatever happens, it is resumed (SIGCONT).
class StoppedNode {
public:
    StoppedNode(cluster::Cluster& cluster, std::string node);
    ~StoppedNode();
    StoppedNode(const StoppedNode&) = delete;
    StoppedNode& operator=(const StoppedNode&) = delete;

private:
    cluster::Cluster& cluster_;
    const std::string node_;
};

// Waits until a line of `node`'s log written since `offset` matches `pattern` (ECMAScript).
void waitForLogLine(E2eSite& site, const std::string& node, std::size_t offset, const std::string& pattern);

// "a, b, c" for messages.
std::string joined(const std::vector<std::string>& items);

}  // namespace relaysync::e2e
