#include "cluster/samba_site.h"

#include <algorithm>

#include "cluster/sip_site.h"
#include "ports/loopback_ports.h"

namespace fs = std::filesystem;

namespace relaysync::cluster {

namespace {

const std::string kDataVariable = "${RELAYSYNC_DATA}";

// A profile's root with ${RELAYSYNC_DATA} resolved.
fs::path resolved(const std::string& root, const fs::path& data_dir) {
    std::string text = root;
    if (text.rfind(kDataVariable, 0) == 0) text = data_dir.string() + text.substr(kDataVariable.size());
    return fs::absolute(text).lexically_normal();
}

std::string rootOf(const StoreSpec& store) {
    for (const auto& [key, value] : store.config)
        if (key == "root") return value;
    return {};
}

}  // namespace

SambaSite::SambaSite(ClusterTools tools, fs::path dir, fs::path data_dir)
    : tools_(std::move(tools)), dir_(fs::absolute(dir)), data_dir_(fs::absolute(data_dir)), password_(randomPassword()) {
    if (const auto reason = SambaServer::unavailableReason(tools_); !reason.empty()) throw ClusterError(reason);
    fs::create_directories(dir_);
}

void SambaSite::apply(std::vector<ProfileSpec>& specs, int timeout_ms) {
    // One file server per stand-in folder; each store that uses it.
    std::vector<std::pair<StoreSpec*, std::size_t>> mounts;
    for (auto& spec : specs)
        for (auto& store : spec.stores) {
            if (store.prefix != kPrefix || store.plugin != "local" || rootOf(store).empty()) continue;
            const auto folder = resolved(rootOf(store), data_dir_);
            auto server = std::find_if(servers_.begin(), servers_.end(), [&](const auto& each) { return each.folder == folder; });
            if (server == servers_.end()) {
                FileServer made;
                made.name = folder.parent_path().filename().string();
                made.folder = folder;
                made.credentials_file = dir_ / (made.name + ".credentials");
                servers_.push_back(std::move(made));
                server = servers_.end() - 1;
            }
            server->terminals.push_back(spec.name);
            accounts_.emplace_back(spec.account, spec.name);
            mounts.emplace_back(&store, static_cast<std::size_t>(server - servers_.begin()));
        }
    const auto server_ports = ports::reserveLoopbackPorts(servers_.size());
    for (const auto& [store, index] : mounts) {
        store->plugin = "smb";
        store->config = {{"server", "127.0.0.1"}, {"port", std::to_string(server_ports[index])}, {"share", kShare},
                         {"credentials_file", servers_[index].credentials_file.string()},
                         {"timeout_ms", std::to_string(timeout_ms)}};
    }
    for (std::size_t i = 0; i < servers_.size(); ++i) {
        auto& server = servers_[i];
        writeCredentials(server, password_);
        server.server = std::make_unique<SambaServer>(tools_, dir_ / server.name);
        server.server->prepare("127.0.0.1:" + std::to_string(server_ports[i]), kUser, password_, {{kShare, server.folder}});
    }
}

void SambaSite::writeCredentials(const FileServer& server, const std::string& password) const {
    writePrivateFile(server.credentials_file, "# " + server.name + ": written by SambaSite\nusername = " + kUser +
                                                  "\npassword = " + password + "\n");
}

void SambaSite::start() {
    for (auto& server : servers_) server.server->start();
}

void SambaSite::stop() {
    for (auto& server : servers_)
        if (server.server) server.server->stop();
}

void SambaSite::mapFolders(Cluster& cluster) const {
    for (const auto& server : servers_)
        for (const auto& terminal : server.terminals) cluster.setStoreFolder(terminal, kPrefix, server.folder);
}

SambaSite::FileServer& SambaSite::serverOf(const std::string& terminal) {
    std::string name = terminal;
    for (const auto& [account, profile] : accounts_)
        if (account == terminal) name = profile;
    for (auto& server : servers_)
        if (std::find(server.terminals.begin(), server.terminals.end(), name) != server.terminals.end()) return server;
    throw ClusterError(terminal + " mounts no file server of this site");
}

}  // namespace relaysync::cluster
