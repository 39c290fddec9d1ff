#pragma once
// A private Samba file server (smbd) for a cluster's `smb` stores, run through scripts/samba.sh
// in a run folder of its own: its configuration, state and password database there, one Samba
// account (mapped to the Unix user running us), listening on one address of 127.0.0.1 only.
// Stopped by its pid (the script's pid file); the destructor stops it.
//
//   SambaServer server(tools, data_dir / "samba" / "tokyo");
//   server.prepare("127.0.0.1:14450", "relaysync", password, {{"z", data_dir / "fileserver-tokyo/z"}});
//   server.start();
//
// smbd must be started by the script, not as our ChildProcess: it makes itself a session of
// its own and refuses to start as a process group leader, which ChildProcess makes its
// children. So, unlike Kamailio, it does not die with us if we are killed with SIGKILL
// (`scripts/samba.sh stop RUNDIR` then ends it).

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cluster/cluster.h"

namespace relaysync::cluster {

class SambaServer {
public:
    // Empty when smbd and smbpasswd are installed and `tools` names samba.sh; else why not.
    static std::string unavailableReason(const ClusterTools& tools);

    SambaServer(ClusterTools tools, std::filesystem::path run_dir);
    ~SambaServer();  // stop(); never throws
    SambaServer(const SambaServer&) = delete;
    SambaServer& operator=(const SambaServer&) = delete;

    // `samba.sh prepare`: smb.conf for `address` ("127.0.0.1:PORT") with the shares (name ->
    // folder, made if missing) and the account. The password goes only into smbd's password
    // database. Throws ClusterError with the script's output.
    void prepare(const std::string& address, const std::string& user, const std::string& password,
                 const std::map<std::string, std::filesystem::path>& shares);
    // `samba.sh start`: returns once smbd accepts connections. Throws ClusterError.
    void start();
    // `samba.sh stop`: SIGCONT (in case it was paused), SIGTERM, SIGKILL to its group after 5 s.
    void stop();
    // SIGSTOP / SIGCONT to its process group (one smbd per connection): nothing answers, the
    // connections stay open (a hung server).
    void pause();
    void resume();

    bool running() const;
    // smbd's pid while it runs; after stop, the pid it had (-1 before the first start).
    pid_t pid() const { return pid_; }
    const std::string& address() const { return address_; }
    const std::filesystem::path& runDir() const { return run_dir_; }
    std::filesystem::path logFile() const { return run_dir_ / "smbd.log"; }

private:
    void runScript(const std::vector<std::string>& arguments, const std::string& what);
    pid_t pidFromFile() const;

    ClusterTools tools_;
    std::filesystem::path run_dir_;
    std::string address_;
    pid_t pid_ = -1;
    bool started_ = false;
};

}  // namespace relaysync::cluster
