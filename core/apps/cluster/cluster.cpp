#include "cluster/cluster.h"

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <Poco/JSON/Array.h>

#include "admin/admin_socket.h"
#include "admin/admin_client.h"
#include "cluster/wait.h"
#include "profile/profile_loader.h"

#ifndef RELAYSYNC_CLUSTER_BIN_DIR
#error "RELAYSYNC_CLUSTER_BIN_DIR, RELAYSYNC_CLUSTER_PLUGIN_DIR and RELAYSYNC_CLUSTER_MAKE_CERTS come from core/apps/cluster/CMakeLists.txt"
#endif

namespace fs = std::filesystem;

namespace relaysync::cluster {

namespace {

// Starts the line the cluster writes into a daemon's output file before each launch.
constexpr const char* kOutputHeader = "---- relaysync cluster: ";

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object; }

Poco::JSON::Array::Ptr array(const std::vector<std::string>& values) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& value : values) list->add(value);
    return list;
}

std::vector<std::string> textsOf(const Poco::JSON::Object::Ptr& object, const std::string& key) {
    std::vector<std::string> values;
    if (const auto list = object->getArray(key))
        for (std::size_t i = 0; i < list->size(); ++i) values.push_back(list->get(static_cast<unsigned>(i)).toString());
    return values;
}

std::string textOf(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& what) {
    if (!object->has(key)) throw ClusterError(what + ": the answer has no '" + key + "'");
    return object->get(key).toString();
}

}  // namespace

ClusterTools ClusterTools::fromBuildTree() {
    ClusterTools tools{RELAYSYNC_CLUSTER_BIN_DIR, RELAYSYNC_CLUSTER_PLUGIN_DIR, RELAYSYNC_CLUSTER_MAKE_CERTS,
                       RELAYSYNC_CLUSTER_KAMAILIO_SCRIPT, RELAYSYNC_CLUSTER_SAMBA_SCRIPT};
    if (const char* plugins = std::getenv("RELAYSYNC_PLUGIN_DIR"); plugins && *plugins) tools.plugin_dir = plugins;
    return tools;
}

std::string readText(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string lastLines(const std::string& text, std::size_t count) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line.rfind(kOutputHeader, 0) != 0) lines.push_back(line);
    std::string joined;
    for (auto i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i)
        joined += (joined.empty() ? "" : " | ") + lines[i];
    return joined;
}

Cluster::Cluster(ClusterTools tools, fs::path data_dir, fs::path certs_dir)
    : Cluster(std::move(tools), std::move(data_dir), std::move(certs_dir), Bounds{}) {}

Cluster::Cluster(ClusterTools tools, fs::path data_dir, fs::path certs_dir, Bounds bounds)
    : tools_(std::move(tools)),
      data_dir_(fs::absolute(data_dir).lexically_normal()),
      certs_dir_(fs::absolute(certs_dir).lexically_normal()),
      bounds_(bounds) {
    fs::create_directories(data_dir_);
    fs::create_directories(certs_dir_);
    variables_ = {{"RELAYSYNC_DATA", data_dir_.string()},
                  {"RELAYSYNC_CERTS", certs_dir_.string()},
                  {"RELAYSYNC_PLUGIN_DIR", tools_.plugin_dir.string()}};
}

Cluster::~Cluster() {
    try {
        stopAll();
    } catch (...) {
        // Each ChildProcess's destructor still kills and reaps what is left.
    }
}

void Cluster::setVariable(const std::string& name, const std::string& value) {
    for (auto& [existing, old] : variables_)
        if (existing == name) {
            old = value;
            return;
        }
    variables_.emplace_back(name, value);
}

std::optional<std::string> Cluster::lookupVariable(const std::string& name) const {
    for (const auto& [existing, value] : variables_)
        if (existing == name) return value;
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
}

std::vector<std::string> Cluster::environment() const { return environmentWith(variables_); }

std::vector<std::string> Cluster::certificateRequests() const {
    std::vector<std::string> requests;
    for (const auto& name : names()) {
        const auto& profile = node(name).profile;
        requests.push_back(profile.role == core::NodeRole::relay ? "relay:" + profile.account
                                                                 : "terminal:" + profile.account + ":" + profile.relay);
    }
    return requests;
}

void Cluster::makeCertificates(const std::vector<std::string>& requests, const fs::path& dir,
                               const std::string& ca_name) const {
    const auto output = data_dir_ / "make-certs.out";
    fs::remove(output);
    LaunchSpec spec{tools_.make_certs, {"--ca-name", ca_name, (dir.empty() ? certs_dir_ : dir).string()},
                    environment(), output, {}};
    spec.arguments.insert(spec.arguments.end(), requests.begin(), requests.end());
    ChildProcess script(spec);
    if (!script.waitExit(120s)) {
        script.kill();
        throw ClusterError("make-certs.sh did not finish within 120 s");
    }
    if (script.exitCode() != 0)
        throw ClusterError("make-certs.sh failed (" + script.describeEnd() + "): " + lastLines(readText(output), 3));
}

const NodeInfo& Cluster::addNode(const fs::path& profile_path) {
    const auto path = fs::absolute(profile_path).lexically_normal();
    auto profile = core::loadProfile(path.string(), [this](const std::string& name) { return lookupVariable(name); });
    auto added = std::make_unique<Member>();
    added->info.name = path.stem().string();
    added->info.profile_path = path;
    added->info.admin_socket = core::adminSocketPath(profile);
    // sockaddr_un holds 108 bytes with the terminating NUL; say so rather than fail obscurely.
    if (added->info.admin_socket.string().size() > 107)
        throw ClusterError(path.string() + ": the admin socket path " + added->info.admin_socket.string() +
                           " is longer than a Unix socket allows (107 bytes); use a shorter data folder");
    added->info.output = data_dir_ / (added->info.name + ".out");
    added->info.profile = std::move(profile);
    for (const auto& existing : members_)
        if (existing->info.name == added->info.name || existing->info.account() == added->info.account())
            throw ClusterError(path.string() + ": node " + added->info.name + " (" + added->info.account() +
                               ") is already in the cluster");
    members_.push_back(std::move(added));
    return members_.back()->info;
}

std::vector<std::string> Cluster::addNodes(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& item : fs::directory_iterator(dir))
        if (item.path().extension() == ".yaml") files.push_back(item.path());
    if (files.empty()) throw ClusterError("no *.yaml profile in " + dir.string());
    std::sort(files.begin(), files.end());
    std::vector<std::string> relays, terminals;
    for (const auto& file : files) {
        const auto& info = addNode(file);
        (info.isRelay() ? relays : terminals).push_back(info.name);
    }
    // Relays first: the order in which startAll launches them.
    std::stable_partition(members_.end() - static_cast<long>(files.size()), members_.end(),
                          [](const auto& each) { return each->info.isRelay(); });
    relays.insert(relays.end(), terminals.begin(), terminals.end());
    return relays;
}

std::vector<std::string> Cluster::names() const {
    std::vector<std::string> all;
    for (const auto& each : members_) all.push_back(each->info.name);
    return all;
}

std::vector<std::string> Cluster::accounts() const {
    std::vector<std::string> all;
    for (const auto& each : members_) all.push_back(each->info.account());
    return all;
}

Cluster::Member& Cluster::member(const std::string& node) {
    return const_cast<Member&>(static_cast<const Cluster&>(*this).member(node));
}

const Cluster::Member& Cluster::member(const std::string& node) const {
    for (const auto& each : members_)
        if (each->info.name == node || each->info.account() == node) return *each;
    throw ClusterError("no node '" + node + "' in the cluster");
}

const NodeInfo& Cluster::node(const std::string& node) const { return member(node).info; }

void Cluster::launch(const std::string& node) {
    auto& each = member(node);
    if (each.process.running())
        throw ClusterError(each.info.name + " is already running (pid " + std::to_string(each.process.pid()) + ")");
    const auto program = tools_.bin_dir / (each.info.isRelay() ? "relaysync-relay" : "relaysync-terminal");
    std::ofstream(each.info.output, std::ios::app)
        << kOutputHeader << "starting " << program.string() << " --profile=" << each.info.profile_path.string()
        << "\n";
    each.process = ChildProcess(
        LaunchSpec{program, {"--profile=" + each.info.profile_path.string()}, environment(), each.info.output, {}});
}

void Cluster::waitReady(const std::string& node) {
    auto& each = member(node);
    auto request = object();
    request->set("command", "ping");
    waitUntil(each.info.name + " answers ping", bounds_.ready, [&]() -> std::string {
        if (!each.process.running())
            throw WaitAborted(each.info.name + " (" + each.info.account() + ") exited during start-up (" +
                               each.process.describeEnd() + "): " + lastLines(outputText(node), 2));
        if (!fs::exists(each.info.admin_socket)) return "no admin socket " + each.info.admin_socket.string() + " yet";
        const auto answer = core::askDaemon(each.info.admin_socket.string(), request);
        const auto account = answer->optValue<std::string>("account", "");
        if (account != each.info.account()) return "ping answered by '" + account + "'";
        return {};
    }, 50ms);
}

void Cluster::start(const std::string& node) {
    launch(node);
    waitReady(node);
}

void Cluster::startAll() {
    std::vector<std::string> launched;
    for (const auto& each : members_)
        if (!each->process.running()) {
            launch(each->info.name);
            launched.push_back(each->info.name);
        }
    for (const auto& name : launched) waitReady(name);
}

bool Cluster::running(const std::string& node) { return member(node).process.running(); }

pid_t Cluster::pid(const std::string& node) const { return member(node).process.pid(); }

void Cluster::kill(const std::string& node) { member(node).process.kill(); }

bool Cluster::stop(const std::string& node) {
    auto& process = member(node).process;
    return process.stop(bounds_.stop) && process.exitCode() == 0;
}

Cluster::StopSummary Cluster::stopAll() {
    StopSummary summary;
    // Terminals first, then relays; within each, all asked at once, then each waited for.
    for (const bool relays : {false, true}) {
        std::vector<Member*> stopping;
        for (const auto& each : members_)
            if (each->info.isRelay() == relays && each->process.running()) {
                each->process.signal(SIGTERM);
                stopping.push_back(each.get());
            }
        const auto deadline = std::chrono::steady_clock::now() + bounds_.stop;
        for (auto* each : stopping) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (!each->process.waitExit(std::max(left, 0ms))) each->process.kill();
            ++summary.stopped;
            if (each->process.exitCode() != 0) summary.unclean.push_back(each->info.name + ": " + each->process.describeEnd());
        }
    }
    return summary;
}

Poco::JSON::Object::Ptr Cluster::ask(const std::string& node, const std::string& command, Poco::JSON::Object::Ptr args) {
    const auto& info = member(node).info;
    auto request = object();
    request->set("command", command);
    request->set("args", args ? args : object());
    Poco::JSON::Object::Ptr response;
    try {
        response = core::askDaemon(info.admin_socket.string(), request);
    } catch (const core::AdminConnectionError& e) {
        throw ClusterError(info.name + ": " + e.what());
    }
    if (!response->optValue<bool>("ok", false))
        throw CommandRefused(info.name + " refused " + command + ": " + response->optValue<std::string>("error", "(no reason)"));
    response->remove("ok");
    return response;
}

NodeStatusView Cluster::status(const std::string& node) {
    return readAllPages([&](const Poco::JSON::Object::Ptr& args) { return ask(node, "status", args); });
}

std::string Cluster::createGroup(const std::string& relay, const std::string& peer) {
    auto args = object();
    if (!peer.empty()) args->set("peer", peer);
    return textOf(ask(relay, "create-group", args), "group_id", "create-group");
}

void Cluster::addGroup(const std::string& relay, const std::string& new_relay, const std::string& group) {
    auto args = object();
    args->set("relay", new_relay);
    args->set("group", group);
    ask(relay, "add-group", args);
}

void Cluster::addTerminal(const std::string& relay, const std::string& group, const std::string& terminal) {
    auto args = object();
    args->set("group", group);
    args->set("terminal", terminal);
    for (const auto& each : members_)
        if (each->info.account() == terminal || each->info.name == terminal) {
            args->set("terminal", each->info.account());
            args->set("display_name", each->info.profile.display_name);
            args->set("department", each->info.profile.department);
        }
    ask(relay, "add-terminal", args);
}

void Cluster::deleteTerminal(const std::string& relay, const std::string& group, const std::string& terminal) {
    auto args = object();
    args->set("group", group);
    args->set("terminal", terminal);
    ask(relay, "delete-terminal", args);
}

std::string Cluster::createShare(const std::string& terminal, const std::string& group, const std::string& name,
                                 const std::vector<std::string>& members) {
    auto args = object();
    args->set("group", group);
    args->set("name", name);
    args->set("members", array(members));
    return textOf(ask(terminal, "create-share", args), "share_id", "create-share");
}

void Cluster::addResource(const std::string& terminal, const std::string& share, const std::string& name,
                          const std::string& location) {
    auto args = object();
    args->set("share", share);
    args->set("name", name);
    args->set("location", location);
    ask(terminal, "add-resource", args);
}

SyncReportView Cluster::check(const std::string& terminal, const std::string& share, const std::vector<std::string>& names) {
    auto args = object();
    args->set("share", share);
    args->set("names", array(names));
    return parseSyncReport(ask(terminal, "check", args));
}

std::string Cluster::startSync(const std::string& node, const std::string& share, const std::vector<std::string>& names) {
    auto args = object();
    args->set("share", share);
    args->set("names", array(names));
    return textOf(ask(node, "sync", args), "sync_id", "sync");
}

SyncState Cluster::syncState(const std::string& node, const std::string& sync_id) {
    auto args = object();
    args->set("sync_id", sync_id);
    const auto answer = ask(node, "sync-status", args);
    SyncState state;
    state.finished = answer->optValue<bool>("finished", false);
    if (state.finished)
        state.report = parseSyncReport(answer->getObject("report"));
    else
        state.waiting_for = textsOf(answer, "waiting_for");
    return state;
}

SyncReportView Cluster::awaitSync(const std::string& node, const std::string& sync_id, std::chrono::milliseconds bound,
                                  const std::function<void(const std::vector<std::string>&)>& progress) {
    SyncState state;
    std::optional<std::vector<std::string>> shown;
    waitUntil("synchronize " + sync_id + " has finished at " + member(node).info.name, bound, [&]() -> std::string {
        state = syncState(node, sync_id);
        if (state.finished) return {};
        if (progress && shown != state.waiting_for) {
            progress(state.waiting_for);
            shown = state.waiting_for;
        }
        std::string waiting;
        for (const auto& each : state.waiting_for) waiting += " " + each;
        return "still waiting for" + waiting;
    });
    return state.report;
}

AdminCliResult Cluster::adminCli(const std::string& node, const std::vector<std::string>& args) {
    const auto& info = member(node).info;
    const auto base = data_dir_ / ("admin-" + std::to_string(++admin_runs_));
    const auto out = fs::path(base.string() + ".out"), err = fs::path(base.string() + ".err");
    LaunchSpec spec{tools_.bin_dir / "relaysync-admin", {"--socket", info.admin_socket.string()}, environment(), out, err};
    spec.arguments.insert(spec.arguments.end(), args.begin(), args.end());
    ChildProcess admin(spec);
    if (!admin.waitExit(bounds_.admin_cli)) {
        admin.kill();
        throw ClusterError("relaysync-admin " + (args.empty() ? std::string() : args.front()) + " at " + info.name +
                           " did not finish within " + seconds(bounds_.admin_cli));
    }
    AdminCliResult result{admin.exitCode().value_or(-1), readText(out), readText(err)};
    std::error_code ignored;
    fs::remove(out, ignored);
    fs::remove(err, ignored);
    return result;
}

fs::path Cluster::entityPath(const std::string& terminal, const std::string& location) const {
    const auto& info = member(terminal).info;
    const core::StoreProfile* best = nullptr;
    for (const auto& store : info.profile.stores) {
        const auto& prefix = store.prefix;
        const bool serves = location == prefix || (location.rfind(prefix, 0) == 0 && location[prefix.size()] == '/');
        if (serves && (!best || prefix.size() > best->prefix.size())) best = &store;
    }
    if (!best) throw ClusterError(info.name + " has no store for " + location);
    fs::path folder;
    if (const auto set = store_folders_.find({info.name, best->prefix}); set != store_folders_.end()) folder = set->second;
    else if (const auto root = best->plugin.config.find("root"); root != best->plugin.config.end()) folder = root->second;
    else throw ClusterError(info.name + "'s store " + best->prefix + " has no folder on this machine");
    const auto rest = location.size() > best->prefix.size() ? location.substr(best->prefix.size() + 1) : std::string();
    return (folder / rest).lexically_normal();
}

void Cluster::setStoreFolder(const std::string& terminal, const std::string& prefix, const fs::path& folder) {
    store_folders_[{member(terminal).info.name, prefix}] = folder;
}

std::string Cluster::logText(const std::string& node) const {
    const auto& file = member(node).info.profile.log.file;
    return file.empty() ? std::string() : readText(file);
}

std::string Cluster::outputText(const std::string& node) const { return readText(member(node).info.output); }

}  // namespace relaysync::cluster
