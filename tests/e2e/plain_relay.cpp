#include "plain_relay.h"

#include <fstream>

#include "cluster/cluster_error.h"
#include "cluster/profile_writer.h"
#include "ports/loopback_ports.h"

namespace relaysync::e2e {

std::filesystem::path writePlainRelayProfile(const std::filesystem::path& dir, const std::string& name,
                                             const std::filesystem::path& plugin_dir,
                                             const std::filesystem::path& database, const std::string& admin_socket) {
    const auto port = ports::reserveLoopbackPort();
    const auto path = dir / (name + ".yaml");
    std::ofstream out(path);
    out << "relaysync: 1\n"
           "node: {role: relay, account: relay-server1@net, display_name: Tokyo}\n"
           "database: sqlite:" << database.string() << "\n"
        << "transport:\n  plugin: direct\n  config: {listen: \"127.0.0.1:" << port << "\", plaintext: \"true\"}\n"
        << "plugins: {paths: [" << plugin_dir.string() << "]}\n"
        << "log: {file: " << (dir / (name + ".log")).string() << "}\n";
    if (!admin_socket.empty()) out << "admin: {socket: " << admin_socket << "}\n";
    out.close();
    if (!out) throw cluster::ClusterError("cannot write " + path.string());
    return path;
}

}  // namespace relaysync::e2e
