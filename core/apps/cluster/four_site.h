#pragma once
// The four-site example of docs/demo.md and patent CN101471843A (Fig. 6-14) played on a Cluster of
// real processes, step by step, each step waiting (bounded) until every node concerned shows its
// effect through its admin status: relaysync-four-site and the end-to-end tests share it.
//
// The cluster must hold the nodes of config/four-site (or fourSiteProfiles()): relay1..relay4
// and client11..client42 with their accounts; every node must be running.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "cluster/cluster.h"

namespace relaysync::cluster::four_site {

inline const std::string R1 = "relay-server1@net", R2 = "relay-server2@net", R3 = "relay-server3@net",
                         R4 = "relay-server4@net";
inline const std::string C11 = "client11@relay-server1.net", C12 = "client12@relay-server1.net",
                         C21 = "client21@relay-server2.net", C22 = "client22@relay-server2.net",
                         C31 = "client31@relay-server3.net", C32 = "client32@relay-server3.net",
                         C41 = "client41@relay-server4.net", C42 = "client42@relay-server4.net";

// "R1" for relay-server1@net, "client11" for client11@relay-server1.net.
std::string label(const std::string& account);

struct Ids {
    std::string group1;      // R1, R2, R3 (Fig. 6 top)
    std::string group2;      // R3 alone (Fig. 6 bottom)
    std::string workspace1;  // group1: client11 (creator), 12, 21, 22, 31
    std::string projects;    // group2: client31 (creator), 32; lists file100.pdf too
};

// What a share must show at one node; returns why not, or empty.
using ShareExpectation = std::function<std::string(const ShareView&)>;

class Scenario {
public:
    // `out`, when given, is told every step as it happens. `bound` limits each wait.
    explicit Scenario(Cluster& cluster, std::ostream* out = nullptr, std::chrono::milliseconds bound = 30s);

    // --- the steps, in order ---------------------------------------------------------------------
    // The entities of Fig. 7-8 in the terminals' stores (every local store root is made first).
    void createEntities();
    // Fig. 10: R1 createGroup(R2), R2 addGroup(R3), R3 createGroup(); waits until R1-R3 agree.
    void formGroups();
    // Fig. 11: client11, 21, 31, 12, 22 into group1, client31 and 32 into group2; waits until
    // every relay of each group and every admitted terminal shows the same group.
    void admitTerminals();
    // Fig. 12: workspace1 and projects created and every resource added by its owner; waits
    // until every holder shows every entry.
    void shareResources();
    // Fig. 9: client31 deletes c:/docs/file100.pdf; client21's c:/budget.xls grows and is
    // modified 90 s later. Returns budget.xls's new size.
    std::uint64_t changeEntities();
    // Fig. 9's file00ZX.xls: network/z:/folderZ/budget.xls grows on Tokyo's file server (written
    // on the server's disk, as a save over the share would) and is modified 90 s later.
    // Returns its new size.
    std::uint64_t changeFileServerBudget();
    // One synchronize from `node`, waited for; `progress` as in Cluster::awaitSync.
    SyncReportView synchronize(const std::string& node, const std::string& share,
                               const std::vector<std::string>& names = {},
                               const std::function<void(const std::vector<std::string>&)>& progress = {});

    // --- checks ----------------------------------------------------------------------------------
    const Ids& ids() const { return ids_; }
    // The members of a share (as the first running node holding it stores them) and their
    // relays: who must hold it.
    std::vector<std::string> holdersOf(const std::string& share_id);
    // Empty when every holder of the share holds it with the same entries and `expectation`
    // holds at each, and no other node of the cluster holds it; else the first problems found.
    // Nodes in `skip` are not asked (e.g. a stopped terminal).
    std::string shareConverged(const std::string& share_id, const ShareExpectation& expectation = {},
                               const std::set<std::string>& skip = {});
    void waitShareConverged(const std::string& what, const std::string& share_id,
                            const ShareExpectation& expectation = {}, const std::set<std::string>& skip = {});
    // After changeEntities and a synchronize: budget.xls with `budget_size` bytes, and
    // file100.pdf marked "file not found" or removed, by client31's profile's sync.gone_entity.
    ShareExpectation afterChange(std::uint64_t budget_size) const;
    // The same for projects: file100.pdf marked or removed.
    ShareExpectation afterChangeProjects() const;
    // Every check of the final state at once (both shares converged as afterChange says).
    std::string finalStateProblems(std::uint64_t budget_size);

    std::chrono::milliseconds bound() const { return bound_; }

private:
    void say(const std::string& line);
    void waitHolds(const std::string& node, const std::string& share_id);
    std::string groupsAgree();
    std::string terminalsAgree();

    Cluster& cluster_;
    std::ostream* out_;
    std::chrono::milliseconds bound_;
    Ids ids_;
};

// Entry expectations, for ShareExpectation bodies: empty when met.
std::string expectEntry(const ShareView& share, const std::string& name, const std::string& status,
                        std::optional<std::uint64_t> size = std::nullopt);
std::string expectNoEntry(const ShareView& share, const std::string& name);

}  // namespace relaysync::cluster::four_site
