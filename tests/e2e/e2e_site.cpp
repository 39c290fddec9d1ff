#include "e2e_site.h"

#include <regex>
#include <sstream>

#include <signal.h>
#include <stdlib.h>

#include <cstdlib>
#include <fstream>

#include "cluster/wait.h"
#include "ports/loopback_ports.h"

namespace relaysync::e2e {

namespace {

fs::path makeTemporaryFolder() {
    // Short: admin sockets live in it, and a Unix socket path has at most 107 bytes.
    std::string pattern = (fs::temp_directory_path() / "relaysync-e2e-XXXXXX").string();
    if (pattern.size() > 60) pattern = "/tmp/relaysync-e2e-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw cluster::ClusterError("cannot make a temporary folder " + pattern);
    return pattern;
}

}  // namespace

E2eSite::E2eSite(Options options) : dir_(makeTemporaryFolder()), transport_(options.transport) {
    try {
        const auto tools = cluster::ClusterTools::fromBuildTree();
        const auto relay_ports = ports::reserveLoopbackPorts(4);
        auto specs = cluster::fourSiteProfiles({relay_ports[0], relay_ports[1], relay_ports[2], relay_ports[3]}, options.gone_entity);
        if (transport_ == cluster::TransportChoice::sip) {
            sip_ = std::make_unique<cluster::SipSite>(tools, dir_ / "sip");
            sip_->apply(specs);
            for (const auto& [account, password] : options.extra_sip_accounts) sip_->addSubscriber(account, password);
            // A restarted relay's terminals find it again within a second, not the default 5.
            for (auto& spec : specs) spec.transport_settings.emplace_back("reconnect_max_ms", "1000");
        }
        if (options.samba) {
            samba_ = std::make_unique<cluster::SambaSite>(tools, dir_ / "samba", dir_ / "data");
            samba_->apply(specs, options.smb_timeout_ms);
        }
        if (options.adjust) options.adjust(specs);
        if (const char* level = std::getenv("RELAYSYNC_E2E_LOG_LEVEL"); level && *level)
            for (auto& spec : specs) spec.log_level = level;
        for (const auto& spec : specs) cluster::writeProfile(dir_ / "profiles", spec);

        cluster_ = std::make_unique<cluster::Cluster>(tools, dir_ / "data", dir_ / "data" / "certs");
        cluster_->addNodes(dir_ / "profiles");
        if (samba_) samba_->mapFolders(*cluster_);
        auto requests = cluster_->certificateRequests();
        requests.insert(requests.end(), options.extra_certificates.begin(), options.extra_certificates.end());
        if (sip_) for (const auto& request : sip_->certificateRequests()) requests.push_back(request);
        cluster_->makeCertificates(requests);
        scenario_ = std::make_unique<cluster::four_site::Scenario>(*cluster_, nullptr, 30s);
        scenario_->createEntities();
        if (sip_) sip_->start(cluster_->certsDir());
        if (samba_) samba_->start();
        if (options.before_start) options.before_start(*cluster_);
        cluster_->startAll();
    } catch (...) {
        scenario_.reset();
        cluster_.reset();
        sip_.reset();
        samba_.reset();
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
        throw;
    }
}

E2eSite::~E2eSite() {
    scenario_.reset();
    cluster_.reset();  // stops every node it started
    sip_.reset();      // then Kamailio
    samba_.reset();    // and smbd
    const char* keep = std::getenv("RELAYSYNC_E2E_KEEP");
    std::error_code ignored;
    if (keep && std::string(keep) == "1")
        std::fprintf(stderr, "\n(RELAYSYNC_E2E_KEEP: kept %s)\n", dir_.c_str());
    else
        fs::remove_all(dir_, ignored);
}

void E2eSite::formGroupsAndShare() {
    scenario_->formGroups();
    scenario_->admitTerminals();
    scenario_->shareResources();
}

cluster::SipSite& E2eSite::sip() {
    if (!sip_) throw cluster::ClusterError("this site does not use the sip transport");
    return *sip_;
}

cluster::SambaSite& E2eSite::samba() {
    if (!samba_) throw cluster::ClusterError("this site has no file servers");
    return *samba_;
}

std::uint16_t E2eSite::listenPort(const std::string& relay) const {
    const auto& config = cluster_->node(relay).profile.transport.config;
    const auto listen = config.find(transport_ == cluster::TransportChoice::sip ? "lan_listen" : "listen");
    if (listen == config.end()) throw cluster::ClusterError(relay + " does not listen");
    return static_cast<std::uint16_t>(std::stoi(listen->second.substr(listen->second.rfind(':') + 1)));
}

void E2eSite::writeEntity(const std::string& terminal, const std::string& location, const std::string& content) {
    const auto path = cluster_->entityPath(terminal, location);
    fs::create_directories(path.parent_path());
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << content;
    file.close();
    if (!file) throw cluster::ClusterError("cannot write " + path.string());
}

std::string E2eSite::logSince(const std::string& node, std::size_t offset) const {
    const auto text = cluster_->logText(node);
    return offset < text.size() ? text.substr(offset) : std::string();
}

std::string E2eSite::closedLinePattern(const std::string& observer, const std::string& gone) const {
    if (transport_ == cluster::TransportChoice::direct) return "connection with " + gone + ".* closed";
    // Over SIP a terminal's server is its relay; a relay sees its terminal's registration go.
    if (!cluster_->node(observer).isRelay())
        return "the SIP server 127\\.0\\.0\\.1:" + std::to_string(listenPort(gone)) + " closed the connection";
    return "terminal " + std::regex_replace(gone, std::regex(R"(\.)"), R"(\.)") + " at .* is gone";
}

void shareNotesOfClient22(E2eSite& site) {
    using cluster::four_site::C22;
    site.writeEntity(C22, "c:/notes.txt", "notes of Osaka PC 22\n");
    site.cluster().addResource(C22, site.ids().workspace1, "notes.txt", "c:/notes.txt");
    waitConverged(site, "notes.txt is listed everywhere", site.ids().workspace1,
                  [](const cluster::ShareView& share) { return cluster::four_site::expectEntry(share, "notes.txt", "ok"); });
}

StoppedNode::StoppedNode(cluster::Cluster& cluster, std::string node) : cluster_(cluster), node_(std::move(node)) {
    ::kill(cluster_.pid(node_), SIGSTOP);
}

StoppedNode::~StoppedNode() {
    if (cluster_.running(node_)) ::kill(cluster_.pid(node_), SIGCONT);
}

void waitConverged(E2eSite& site, const std::string& what, const std::string& share_id,
                   const cluster::four_site::ShareExpectation& expectation, const std::set<std::string>& skip) {
    site.scenario().waitShareConverged(what, share_id, expectation, skip);
}

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
    return text;
}

// Waits until a line of `node`'s log written since `offset` matches `pattern` (ECMAScript).
void waitForLogLine(E2eSite& site, const std::string& node, std::size_t offset, const std::string& pattern) {
    const std::regex wanted(pattern);
    cluster::waitUntil(node + "'s log has a line matching /" + pattern + "/", 15s, [&]() -> std::string {
        std::istringstream lines(site.logSince(node, offset));
        for (std::string line; std::getline(lines, line);)
            if (std::regex_search(line, wanted)) return {};
        return "no such line";
    });
}

}  // namespace relaysync::e2e
