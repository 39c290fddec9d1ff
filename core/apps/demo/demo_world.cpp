#include "demo_world.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "assembly/node_factory.h"
#include "profile/profile_loader.h"

namespace relaysync::demo {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> profileFiles(const fs::path& config_dir) {
    if (!fs::is_directory(config_dir)) throw std::runtime_error("config folder " + config_dir.string() + " does not exist");
    std::vector<fs::path> files;
    for (const auto& item : fs::directory_iterator(config_dir))
        if (item.is_regular_file() && item.path().extension() == ".yaml") files.push_back(item.path());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw std::runtime_error("config folder " + config_dir.string() + " holds no *.yaml profile");
    return files;
}

}  // namespace

DemoWorld::DemoWorld(const fs::path& config_dir, std::vector<std::string> plugin_paths) {
    std::vector<core::Profile> loaded;
    for (const auto& file : profileFiles(config_dir)) loaded.push_back(core::loadProfile(file.string()));
    std::stable_partition(loaded.begin(), loaded.end(),
                          [](const core::Profile& p) { return p.role == core::NodeRole::relay; });

    // One host for every node: the profiles' own plugin paths, then the caller's.
    std::vector<std::string> search;
    for (const auto& profile : loaded)
        for (const auto& path : profile.plugin_paths)
            if (std::find(search.begin(), search.end(), path) == search.end()) search.push_back(path);
    search.insert(search.end(), plugin_paths.begin(), plugin_paths.end());
    host_ = std::make_unique<core::PluginHost>(search);

    for (auto& profile : loaded) {
        const auto account = profile.account;
        if (profiles_.count(account))
            throw std::runtime_error(profile.source + ": account " + account + " is also used by " +
                                     profiles_.at(account).source);
        // The roles a real transport would prove from the certificates.
        const sdk::PeerIdentity identity{account,
                                         profile.role == core::NodeRole::relay ? sdk::PeerRole::relay
                                                                                : sdk::PeerRole::terminal,
                                         profile.role == core::NodeRole::relay ? std::string{} : profile.relay};
        nodes_[account] = core::buildNode(profile, *host_, network_.transportFor(identity));
        profiles_.emplace(account, std::move(profile));
        accounts_.push_back(account);
    }
    // Every node listens before any sends: a message to a node not yet started would wait.
    for (const auto& account : accounts_) nodes_.at(account)->start();
}

DemoWorld::~DemoWorld() {
    for (auto& [account, node] : nodes_) node->stop();
}

const core::Profile& DemoWorld::profile(const std::string& account) const {
    const auto found = profiles_.find(account);
    if (found == profiles_.end()) throw std::runtime_error("no profile in the config folder is for " + account);
    return found->second;
}

core::Node& DemoWorld::node(const std::string& account) {
    profile(account);  // the same error when it is missing
    return *nodes_.at(account);
}

std::string DemoWorld::label(const std::string& account) {
    const auto local = account.substr(0, account.find('@'));
    const std::string relay_prefix = "relay-server";
    if (local.rfind(relay_prefix, 0) == 0) {
        std::string short_name(1, 'R');
        short_name += local.substr(relay_prefix.size());
        return short_name;
    }
    return local;
}

std::size_t DemoWorld::settle() {
    const auto before = network_.carried().size();
    network_.run();
    return network_.carried().size() - before;
}

fs::path DemoWorld::entityPath(const std::string& account, const std::string& location) const {
    const auto& terminal = profile(account);
    const core::StoreProfile* best = nullptr;
    for (const auto& store : terminal.stores) {
        const auto& prefix = store.prefix;
        const bool serves = location.size() > prefix.size() && location.compare(0, prefix.size(), prefix) == 0 &&
                            location[prefix.size()] == '/';
        if (serves && (!best || prefix.size() > best->prefix.size())) best = &store;
    }
    if (!best) throw std::runtime_error(terminal.source + ": no store serves location '" + location + "'");
    const auto root = best->plugin.config.find("root");
    if (best->plugin.plugin != "local" || root == best->plugin.config.end())
        throw std::runtime_error(terminal.source + ": store '" + best->prefix + "' uses plugin '" + best->plugin.plugin +
                                 "'; the demo puts its files in local stores only");
    return fs::path(root->second) / location.substr(best->prefix.size() + 1);
}

}  // namespace relaysync::demo
