#pragma once
// The sites' file servers as real SMB servers: every terminal store under `network/z:` that is
// a local folder standing in for its site's file server (fourSiteProfiles: Tokyo's and
// Nagoya's) becomes an `smb` store on a private smbd serving that same folder as the share `z`
// (docs/demo.md). One smbd per site, on 127.0.0.1 at a port free now, one account with a
// password made for this run, kept only in mode-600 credentials files (the stores'
// `credentials_file`) and smbd's password database, never in a profile.
//
//   auto specs = fourSiteProfiles(ports);
//   SambaSite samba(tools, data_dir / "samba", data_dir);  // data_dir: what ${RELAYSYNC_DATA} means
//   samba.apply(specs);                                    // then write the profiles, add the nodes
//   samba.start();                                         // before the terminals start
//   samba.mapFolders(cluster);                             // entityPath finds the share's files

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cluster/cluster.h"
#include "cluster/profile_writer.h"
#include "cluster/samba_server.h"

namespace relaysync::cluster {

class SambaSite {
public:
    static inline const std::string kPrefix = "network/z:";
    static inline const std::string kShare = "z";
    static inline const std::string kUser = "relaysync";

    struct FileServer {
        std::string name;              // "fileserver-tokyo": the stand-in folder's parent's name
        std::filesystem::path folder;  // the share's folder on this machine
        std::filesystem::path credentials_file;
        std::vector<std::string> terminals;  // profile names of the terminals mounting it
        std::unique_ptr<SambaServer> server;
    };

    // Run folders and credentials files go into `dir`; `data_dir` is what ${RELAYSYNC_DATA}
    // stands for in the profiles' store roots.
    SambaSite(ClusterTools tools, std::filesystem::path dir, std::filesystem::path data_dir);

    // Turns every `local` store under kPrefix into an `smb` store on the share kShare of one
    // smbd per distinct root folder (each with a port free now), with `timeout_ms` as the
    // store's timeout. Prepares each smbd (samba.sh prepare). Throws ClusterError.
    void apply(std::vector<ProfileSpec>& specs, int timeout_ms = 5000);
    // Starts every smbd; each accepts connections when this returns.
    void start();
    // Stops every smbd (by pid); also done by the destructor.
    void stop();
    // Tells `cluster` which folder each terminal's kPrefix store serves (Cluster::entityPath).
    void mapFolders(Cluster& cluster) const;

    const std::vector<FileServer>& servers() const { return servers_; }
    // The file server a terminal (profile name or account) mounts; throws ClusterError if none.
    FileServer& serverOf(const std::string& terminal);
    // Writes a server's credentials file (mode 600) with `password`: a test's wrong password.
    void writeCredentials(const FileServer& server, const std::string& password) const;
    const std::string& password() const { return password_; }

private:
    ClusterTools tools_;
    std::filesystem::path dir_, data_dir_;
    std::string password_;
    std::vector<FileServer> servers_;
    std::vector<std::pair<std::string, std::string>> accounts_;  // terminal account -> profile name
};

}  // namespace relaysync::cluster
