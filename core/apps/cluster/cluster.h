#pragma once
// A set of relaysync nodes (relays and terminals) run as real processes on this machine, each
// from its YAML profile, and driven through their admin sockets: what the end-to-end tests and
// relaysync-four-site are built on.
//
//   Cluster cluster(ClusterTools::fromBuildTree(), data_dir, data_dir / "certs");
//   cluster.addNodes("config/four-site");              // every *.yaml: relay1, client11, ...
//   cluster.makeCertificates(cluster.accounts());      // scripts/make-certs.sh
//   cluster.startAll();                                 // launched, then each answers ping
//   auto group = cluster.createGroup("relay1", "relay-server2@net");
//   cluster.kill("relay2"); cluster.restart("relay2");
//   // the destructor stops every node it started: SIGTERM, then SIGKILL after a bound
//
// Profiles are loaded with ${RELAYSYNC_DATA} (the data folder), ${RELAYSYNC_CERTS} (the
// certificate folder) and any variable given to setVariable, and the nodes get the same
// environment, plus RELAYSYNC_PLUGIN_DIR. Nodes are named by their profile's file name without
// ".yaml"; every method taking a node also accepts its account.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "cluster/child_process.h"
#include "cluster/cluster_error.h"
#include "cluster/node_status.h"
#include "profile/profile.h"

namespace relaysync::cluster {

using namespace std::chrono_literals;

// Where the programs are.
struct ClusterTools {
    std::filesystem::path bin_dir;     // relaysync-relay, relaysync-terminal, relaysync-admin
    std::filesystem::path plugin_dir;  // given to the nodes as RELAYSYNC_PLUGIN_DIR
    std::filesystem::path make_certs;  // scripts/make-certs.sh
    std::filesystem::path kamailio_script;  // scripts/kamailio.sh (SipServer)
    std::filesystem::path samba_script;     // scripts/samba.sh (SambaServer)

    // This build tree's, fixed when the library was built; RELAYSYNC_PLUGIN_DIR, when set in
    // this process's environment, replaces plugin_dir.
    static ClusterTools fromBuildTree();
};

struct NodeInfo {
    std::string name;                     // "relay1", "client11": the profile's file name without .yaml
    std::filesystem::path profile_path;   // absolute
    core::Profile profile;                // as the node itself loads it
    std::filesystem::path admin_socket;
    std::filesystem::path output;         // the daemon's standard output and error

    const std::string& account() const { return profile.account; }
    bool isRelay() const { return profile.role == core::NodeRole::relay; }
};

// What relaysync-admin did.
struct AdminCliResult {
    int exit_code = -1;
    std::string out, err;
};

// Where a synchronize is, as the node that started it sees it.
struct SyncState {
    bool finished = false;
    std::vector<std::string> waiting_for;  // while not finished
    SyncReportView report;                 // once finished
};

class Cluster {
public:
    struct Bounds {
        std::chrono::milliseconds ready = 20s;    // from launch until ping answers
        std::chrono::milliseconds stop = 10s;     // from SIGTERM until SIGKILL
        std::chrono::milliseconds admin_cli = 60s;  // one relaysync-admin run
    };

    Cluster(ClusterTools tools, std::filesystem::path data_dir, std::filesystem::path certs_dir);
    Cluster(ClusterTools tools, std::filesystem::path data_dir, std::filesystem::path certs_dir, Bounds bounds);
    // Stops every node still running (stopAll); never throws.
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    const std::filesystem::path& dataDir() const { return data_dir_; }
    const std::filesystem::path& certsDir() const { return certs_dir_; }
    const ClusterTools& tools() const { return tools_; }

    // An extra environment variable for profiles and nodes; set it before adding the nodes
    // whose profiles use it.
    void setVariable(const std::string& name, const std::string& value);

    // Runs make-certs.sh: a CA `ca_name` in `dir` (certsDir() when empty) unless it exists, and
    // a certificate for each request ("relay:ACCOUNT" or "terminal:ACCOUNT:RELAY"). Throws
    // ClusterError with the script's output on failure.
    void makeCertificates(const std::vector<std::string>& requests, const std::filesystem::path& dir = {},
                          const std::string& ca_name = "ca") const;
    // One make-certs.sh request per node added, with the role and relay of its profile.
    std::vector<std::string> certificateRequests() const;

    // Loads a profile (throws core::ProfileError) and adds its node, not started.
    const NodeInfo& addNode(const std::filesystem::path& profile);
    // Every *.yaml in `dir`, relays first, each group by name. Returns their names.
    std::vector<std::string> addNodes(const std::filesystem::path& dir);

    std::vector<std::string> names() const;     // in the order added
    std::vector<std::string> accounts() const;  // likewise
    // By name or account; throws ClusterError when unknown.
    const NodeInfo& node(const std::string& node) const;

    // Launches the node's daemon (does not wait for it). Throws when it already runs.
    void launch(const std::string& node);
    // Waits until the daemon answers ping on its admin socket with its account. Throws
    // ClusterError when the process exits first (with the last line of its output) or
    // bounds.ready passes.
    void waitReady(const std::string& node);
    // launch + waitReady.
    void start(const std::string& node);
    // Launches every node that is not running, then waits for each.
    void startAll();
    // The same node again after kill or stop (its database and files are kept).
    void restart(const std::string& node) { start(node); }

    bool running(const std::string& node);
    pid_t pid(const std::string& node) const;  // -1 when never started
    // SIGKILL: no clean shutdown at all.
    void kill(const std::string& node);
    // SIGTERM, then SIGKILL after bounds.stop; true when it exited by itself, with exit code 0.
    bool stop(const std::string& node);
    // Stops every running node, terminals first; how many needed SIGKILL or exited non-zero.
    struct StopSummary {
        int stopped = 0;
        std::vector<std::string> unclean;  // "client11: killed by signal 9", ...
    };
    StopSummary stopAll();

    // --- the admin channel (one JSON line request, one JSON line response) ---------------------

    // Sends {"command", "args"} and returns the result (without "ok"). Throws CommandRefused
    // with the daemon's reason when it answers "ok": false, ClusterError when it cannot be
    // reached.
    Poco::JSON::Object::Ptr ask(const std::string& node, const std::string& command,
                                Poco::JSON::Object::Ptr args = nullptr);
    NodeStatusView status(const std::string& node);

    std::string createGroup(const std::string& relay, const std::string& peer = {});
    void addGroup(const std::string& relay, const std::string& new_relay, const std::string& group);
    // The terminal's display name and department are its profile's when it is in this cluster.
    void addTerminal(const std::string& relay, const std::string& group, const std::string& terminal);
    void deleteTerminal(const std::string& relay, const std::string& group, const std::string& terminal);
    std::string createShare(const std::string& terminal, const std::string& group, const std::string& name,
                            const std::vector<std::string>& members);
    void addResource(const std::string& terminal, const std::string& share, const std::string& name,
                     const std::string& location);
    SyncReportView check(const std::string& terminal, const std::string& share,
                         const std::vector<std::string>& names = {});
    // Starts a synchronize at a terminal (or an operator's at a relay); returns its id.
    std::string startSync(const std::string& node, const std::string& share, const std::vector<std::string>& names = {});
    SyncState syncState(const std::string& node, const std::string& sync_id);
    // Waits until the synchronize is finished at `node`; `progress` is told who it still waits
    // for whenever that changes. Throws ClusterError after `bound`.
    SyncReportView awaitSync(const std::string& node, const std::string& sync_id, std::chrono::milliseconds bound,
                             const std::function<void(const std::vector<std::string>&)>& progress = {});

    // Runs `relaysync-admin --socket <node's socket> ARGS...` and returns what it printed.
    AdminCliResult adminCli(const std::string& node, const std::vector<std::string>& args);

    // --- files ---------------------------------------------------------------------------------

    // Where a terminal's store keeps the entity at `location` ("c:/folderA") on this machine:
    // the folder of its store with the longest matching prefix (setStoreFolder's, else the
    // store's `root`), plus the rest. Throws ClusterError when no store serves it or the store
    // has no folder here.
    std::filesystem::path entityPath(const std::string& terminal, const std::string& location) const;
    // The folder on this machine that a terminal's store without a `root` serves (an `smb`
    // store on a local smbd: the share's folder), for entityPath.
    void setStoreFolder(const std::string& terminal, const std::string& prefix, const std::filesystem::path& folder);
    // The node's log file (its profile's log.file) as text; empty when it has none yet.
    std::string logText(const std::string& node) const;
    // The daemon's standard output and error so far.
    std::string outputText(const std::string& node) const;

private:
    struct Member {
        NodeInfo info;
        ChildProcess process;
    };
    Member& member(const std::string& node);
    const Member& member(const std::string& node) const;
    std::vector<std::string> environment() const;
    std::optional<std::string> lookupVariable(const std::string& name) const;

    ClusterTools tools_;
    std::filesystem::path data_dir_, certs_dir_;
    Bounds bounds_;
    std::vector<std::pair<std::string, std::string>> variables_;
    std::vector<std::unique_ptr<Member>> members_;
    std::map<std::pair<std::string, std::string>, std::filesystem::path> store_folders_;  // (name, prefix)
    int admin_runs_ = 0;
};

// Last `count` lines of `text`, joined by " | " (for one-line error messages).
std::string lastLines(const std::string& text, std::size_t count);
// The content of a file, or empty when it cannot be read.
std::string readText(const std::filesystem::path& file);

}  // namespace relaysync::cluster
