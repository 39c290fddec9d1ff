// relaysync-four-site: the four-site example of patent CN101471843A as real processes on
// 127.0.0.1 talking TLS (with --sip: the relays only through a Kamailio it runs), with Tokyo's
// and Nagoya's file servers as private smbd instances when Samba is installed. It starts the 4
// relays and 8 terminal agents of config/four-site, forms the relay groups of Fig. 6 and shares
// workspace1 with admin commands, changes files (one on Tokyo's file server) and deletes
// another, runs one synchronize from client11, prints the tables before and after, and stops
// everything it started. Exit status 0 when every member converged, 1 otherwise.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <Poco/Exception.h>

#include "assembly/text_table.h"
#include "cluster/data_folder.h"
#include "cluster/cluster.h"
#include "cluster/four_site.h"
#include "cluster/profile_writer.h"
#include "cluster/samba_site.h"
#include "cluster/sip_site.h"
#include "cluster/wait.h"

namespace fs = std::filesystem;
using namespace relaysync;
using namespace relaysync::cluster;
using namespace relaysync::cluster::four_site;

namespace {

constexpr const char* kUsage = R"(usage: relaysync-four-site [--config DIR | --sip] [--no-samba] [--data DIR] [--bin DIR]

Runs the four-site example of patent CN101471843A as 12 real processes on 127.0.0.1 (TLS, relays
on ports 7101-7104): groups of Fig. 6, workspace1 shared, one file changed and one deleted, one
synchronize from client11; prints the tables before and after, then stops every process it
started. Exit status 0 when every member converged, 1 otherwise.

  --config DIR  the site profiles, used as they are (default: those of )" RELAYSYNC_FOUR_SITE_CONFIG_DIR R"(,
                with the file servers below)
  --sip         the same over SIP (docs/transport-sip.md): profiles written into the data folder,
                the relays talking only through a Kamailio this program starts and stops (TLS,
                digest passwords made for this run, kept in files only), each relay the SIP
                registrar of its terminals on ports 7101-7104 (TLS)
  --no-samba    network/z: stays a local folder standing in for each site's file server. Without
                it (and without --config) Tokyo's and Nagoya's file servers are private smbd
                instances (scripts/samba.sh, 127.0.0.1, free ports) that client11/12 and
                client31/32 mount through the smb store, with a password made for this run kept
                only in mode-600 credentials files; profiles are then written into the data
                folder. Where smbd is not installed the local stand-in is used, and said so.
  --data DIR    data folder: databases, logs, stores, certificates (default: ./.demo); wiped at
                start if it is empty or was made by relaysync-four-site, refused otherwise
  --bin DIR     where relaysync-relay, -terminal and -admin are (default: this program's folder)
)";

// Marks a data folder as this program's own, so that wiping it never destroys anything else.

struct Options {
    fs::path config_dir = RELAYSYNC_FOUR_SITE_CONFIG_DIR;
    fs::path data_dir = ".demo";
    fs::path bin_dir;
    bool config_given = false;
    bool sip = false;
    bool samba = true;
    bool help = false;
};

Options parseOptions(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value (see --help)");
            return argv[++i];
        };
        if (arg == "--config") {
            options.config_dir = value();
            options.config_given = true;
        } else if (arg == "--sip") options.sip = true;
        else if (arg == "--no-samba") options.samba = false;
        else if (arg == "--data") options.data_dir = value();
        else if (arg == "--bin") options.bin_dir = value();
        else if (arg == "--help" || arg == "-h") options.help = true;
        else throw std::invalid_argument("unknown argument '" + arg + "' (see --help)");
    }
    if (options.sip && options.config_given)
        throw std::invalid_argument("--sip writes its own profiles: it does not take --config");
    return options;
}

fs::path ownFolder() {
    std::error_code error;
    const auto self = fs::read_symlink("/proc/self/exe", error);
    return error ? fs::path(RELAYSYNC_FOUR_SITE_BIN_DIR) : self.parent_path();
}

// The profiles of config/four-site, written into `dir`, over SIP (relays' LAN registrars on
// 7101-7104 as the direct relays listen there) and/or with real file servers.
fs::path writeProfiles(SipSite* sip, SambaSite* samba, const fs::path& dir) {
    auto specs = fourSiteProfiles({7101, 7102, 7103, 7104});
    if (sip) sip->apply(specs);
    if (samba) samba->apply(specs);
    for (const auto& spec : specs) writeProfile(dir, spec);
    return dir;
}

// Tokyo's and Nagoya's file servers: smbd when it can be used, else (nullptr) the local
// stand-in; `note` says which, and why, in one line.
std::unique_ptr<SambaSite> fileServers(const Options& options, const ClusterTools& tools, const fs::path& data_dir,
                                       std::string& note) {
    const std::string stand_in = "network/z: is a local folder standing in for each site's file server";
    if (options.config_given) {
        note = "as the profiles say";  // they say what network/z: is
        return nullptr;
    }
    if (!options.samba) {
        note = "--no-samba: " + stand_in;
        return nullptr;
    }
    if (const auto reason = SambaServer::unavailableReason(tools); !reason.empty()) {
        note = "Samba cannot be used (" + reason + "): " + stand_in;
        return nullptr;
    }
    note = "smbd for Tokyo and Nagoya on 127.0.0.1 (scripts/samba.sh), network/z: through the smb store";
    return std::make_unique<SambaSite>(tools, data_dir / "samba", data_dir);
}

void heading(const std::string& text) { std::cout << "\n" << text << "\n" << std::flush; }

std::string indented(const std::string& text, const std::string& indent = "  ") {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        out += indent + text.substr(start, end - start) + "\n";
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

void printTables(Cluster& cluster, const std::string& title, const std::vector<std::string>& nodes) {
    std::cout << "\n==================== " << title << " ====================\n";
    for (const auto& node : nodes) {
        const auto& info = cluster.node(node);
        std::cout << "\n--- " << label(info.account()) << "  " << info.account() << "  (" << info.profile.display_name
                  << ", pid " << cluster.pid(node) << ")\n"
                  << indented(cluster.status(node).text);
    }
    std::cout << std::flush;
}

// One line per node: what it holds of both shares, as its own admin status says.
void printSummary(Cluster& cluster, const Ids& ids) {
    core::TextTable table({{"NODE"}, {"PID", core::TextTable::Align::right}, {"GROUPS", core::TextTable::Align::right},
                           {"WORKSPACE1"}, {"budget.xls", core::TextTable::Align::right},
                           {"file00ZX.xls", core::TextTable::Align::right}, {"file100.pdf"},
                           {"PROJECTS"}, {"file100.pdf"}});
    for (const auto& account : cluster.accounts()) {
        std::vector<std::string> row{label(account), std::to_string(cluster.pid(account))};
        try {
            const auto status = cluster.status(account);
            row.push_back(std::to_string(status.groups.size()));
            const auto describe = [](const ShareView* share, const std::string& name) {
                if (!share) return std::string("-");
                const auto* entry = share->entry(name);
                return entry ? entry->status : std::string("(removed)");
            };
            const auto* workspace = status.share(ids.workspace1);
            const auto* projects = status.share(ids.projects);
            row.push_back(workspace ? std::to_string(workspace->entries.size()) + " entries" : "-");
            const auto* budget = workspace ? workspace->entry("budget.xls") : nullptr;
            row.push_back(budget ? std::to_string(budget->size) + " bytes" : "-");
            const auto* z_budget = workspace ? workspace->entry("file00ZX.xls") : nullptr;
            row.push_back(!z_budget ? "-"
                                    : z_budget->status == "ok" ? std::to_string(z_budget->size) + " bytes" : z_budget->status);
            row.push_back(describe(workspace, "file100.pdf"));
            row.push_back(projects ? std::to_string(projects->entries.size()) + " entries" : "-");
            row.push_back(describe(projects, "file100.pdf"));
        } catch (const std::exception& e) {
            row.push_back(std::string("(") + e.what() + ")");
        }
        table.addRow(row);
    }
    std::cout << table.render("  ") << std::flush;
}

int run(const Options& options) {
    interruptOnSignals();
    const auto data_dir = cluster::prepareDataFolder(options.data_dir, "relaysync-four-site");
    auto tools = ClusterTools::fromBuildTree();
    tools.bin_dir = options.bin_dir.empty() ? ownFolder() : fs::absolute(options.bin_dir);
    // Declared before the cluster: Kamailio and smbd stop after the nodes, whatever happens.
    std::unique_ptr<SipSite> sip;
    if (options.sip) sip = std::make_unique<SipSite>(tools, data_dir / "sip");
    std::string file_servers;
    const auto samba = fileServers(options, tools, data_dir, file_servers);
    const auto config_dir = sip || samba ? writeProfiles(sip.get(), samba.get(), data_dir / "profiles")
                                         : fs::absolute(options.config_dir).lexically_normal();

    std::cout << "relaysync-four-site: the four-site example of CN101471843A, as real processes on 127.0.0.1 ("
              << (sip ? "relays through Kamailio over SIP, TLS" : "TLS") << ")\n"
              << "  profiles:     " << config_dir.string() << "\n"
              << "  data:         " << data_dir.string() << "  (RELAYSYNC_DATA)\n"
              << "  certificates: " << (data_dir / "certs").string() << "  (RELAYSYNC_CERTS)\n"
              << "  programs:     " << tools.bin_dir.string() << "\n"
              << "  plugins:      " << tools.plugin_dir.string() << "  (RELAYSYNC_PLUGIN_DIR)\n"
              << "  file servers: " << file_servers << "\n";

    Cluster cluster(tools, data_dir, data_dir / "certs");
    const auto names = cluster.addNodes(config_dir);
    if (samba) samba->mapFolders(cluster);
    Scenario scenario(cluster, &std::cout);

    heading("Certificates (scripts/make-certs.sh): one CA, one certificate per account (CN = the account,"
            " its role and relay in subjectAltName)");
    auto requests = cluster.certificateRequests();
    if (sip) requests.push_back(sip->certificateRequests().front());
    cluster.makeCertificates(requests);
    std::cout << "  " << requests.size() << " certificates and the CA in " << cluster.certsDir().string() << "\n";

    if (sip) {
        heading("The SIP server (Kamailio with config/kamailio, through scripts/kamailio.sh)");
        sip->start(cluster.certsDir());
        std::cout << "  pid " << sip->server().pid() << ", TLS on " << sip->tlsAddress() << " (certificate "
                  << SipSite::kServerCertificate << ".pem), run folder " << sip->server().runDir().string() << "\n"
                  << "  the 4 relay accounts are its subscribers; passwords made for this run are only in files\n"
                  << "  (the profiles, its subscriber table, each relay's terminal_accounts_file, mode 600)\n";
    }

    if (samba) {
        heading("The file servers (smbd through scripts/samba.sh; network/z: of the terminals there is the smb store)");
        samba->start();
        for (const auto& server : samba->servers()) {
            std::string mounted;
            for (const auto& terminal : server.terminals) mounted += (mounted.empty() ? "" : ", ") + terminal;
            std::cout << "  " << server.name << ": smbd pid " << server.server->pid() << " on " << server.server->address()
                      << ", share " << SambaSite::kShare << " = " << server.folder.string() << ", mounted by " << mounted
                      << "\n";
        }
        std::cout << "  one account '" << SambaSite::kUser << "', its password made for this run and kept only in\n"
                  << "  " << (data_dir / "samba" / "*.credentials").string()
                  << " (mode 600, the stores' credentials_file) and smbd's password database\n";
    }

    heading(samba ? "Resource entities on disk (the terminals' local stores and the file servers' shares)"
                  : "Resource entities on disk (the terminals' local stores)");
    scenario.createEntities();

    heading("Starting " + std::to_string(names.size()) + " processes (each ready when it answers ping on its admin socket)");
    cluster.startAll();
    core::TextTable started({{"NODE"}, {"ACCOUNT"}, {"PROGRAM"}, {"PID", core::TextTable::Align::right}, {"LISTENS"},
                             {"ADMIN SOCKET"}});
    for (const auto& name : names) {
        const auto& info = cluster.node(name);
        // Over SIP a relay listens only for its terminals, which register there (their `server`).
        const auto& config = info.profile.transport.config;
        const auto listen = config.find(sip ? "lan_listen" : "listen");
        const auto server = config.find("server");
        std::string address = listen == config.end() ? "" : listen->second;
        if (sip && !info.isRelay() && server != config.end()) address = "registers at " + server->second;
        started.addRow({label(info.account()), info.account(), info.isRelay() ? "relaysync-relay" : "relaysync-terminal",
                        std::to_string(cluster.pid(name)), address,
                        fs::relative(info.admin_socket, data_dir).string()});
    }
    std::cout << started.render("  ");

    heading("Relay groups (Fig. 10)");
    scenario.formGroups();
    heading("Resource-shareable terminals (Fig. 11)");
    scenario.admitTerminals();
    heading("Shares and resources (Fig. 12)");
    scenario.shareResources();
    const auto& ids = scenario.ids();

    printTables(cluster, "BEFORE the synchronize", {"relay3", "client11"});

    heading("The world changes (Fig. 9)");
    const auto budget_size = scenario.changeEntities();
    const auto z_budget_size = scenario.changeFileServerBudget();

    heading("Synchronize (Fig. 13, 15, 16)");
    std::cout << "  client11 sync workspace1 " << ids.workspace1 << "\n" << std::flush;
    const auto started_at = std::chrono::steady_clock::now();
    const auto report = scenario.synchronize(C11, ids.workspace1, {}, [&](const std::vector<std::string>& waiting) {
        std::string who;
        for (const auto& each : waiting) who += " " + label(each);
        std::cout << "    " << seconds(std::chrono::steady_clock::now() - started_at) << "  waiting for" << who << "\n"
                  << std::flush;
    });
    std::cout << "    " << seconds(std::chrono::steady_clock::now() - started_at) << "  finished\n";
    heading("Sync report (stored at client11, summed over every terminal reached)");
    std::cout << indented(report.text);

    heading("Waiting until every member and its relay shows the result");
    std::string problem;
    try {
        waitUntil("every node converged", scenario.bound(), [&] {
            if (auto problem = scenario.shareConverged(ids.workspace1, [&](const ShareView& share) {
                    return expectEntry(share, "file00ZX.xls", "ok", z_budget_size);
                });
                !problem.empty())
                return "workspace1: " + problem;
            return scenario.finalStateProblems(budget_size);
        });
        std::cout << "  converged\n";
    } catch (const ClusterError& e) {
        if (interruptRequested()) throw;
        problem = e.what();
        std::cout << "  NOT converged: " << problem << "\n";
    }

    printTables(cluster, "AFTER the synchronize", {"relay3", "client11", "client32"});
    heading("Every node, as its own admin status says");
    printSummary(cluster, ids);
    const bool mark = cluster.node(C31).profile.gone_entity == core::GoneEntityMode::mark;
    if (problem.empty())
        std::cout << "  budget.xls shows " << budget_size << " bytes and file00ZX.xls (Tokyo's file server) " << z_budget_size
                  << " bytes at every holder of workspace1; file100.pdf is "
                  << (mark ? "marked \"file not found\"" : "removed")
                  << " in both shares (CheckAnotherResourceInfo, seq 44); R4, client41 and client42 hold nothing.\n";

    heading("Stopping every process this program started (SIGTERM, by pid)");
    const auto stopped = cluster.stopAll();
    std::cout << "  stopped " << stopped.stopped << " processes"
              << (stopped.unclean.empty() ? ", all exited cleanly" : "") << "\n";
    for (const auto& each : stopped.unclean) std::cout << "  not clean: " << each << "\n";
    if (sip) {
        sip->stop();
        std::cout << "  stopped Kamailio (pid " << sip->server().pid() << "); its log: "
                  << (sip->server().runDir() / "kamailio.log").string() << "\n";
    }
    if (samba) {
        samba->stop();
        for (const auto& server : samba->servers())
            std::cout << "  stopped smbd of " << server.name << " (pid " << server.server->pid()
                      << "); its log: " << server.server->logFile().string() << "\n";
    }
    std::cout << "  logs: " << (data_dir / "<node>.log").string() << "\n" << std::flush;

    if (!problem.empty()) {
        std::cerr << "relaysync-four-site: the nodes did not converge: " << problem << "\n";
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const auto options = parseOptions(argc, argv);
        if (options.help) {
            std::cout << kUsage;
            return 0;
        }
        return run(options);
    } catch (const Poco::Exception& e) {
        std::cout.flush();
        std::cerr << "relaysync-four-site: " << e.displayText() << "\n";
    } catch (const std::exception& e) {
        std::cout.flush();
        std::cerr << "relaysync-four-site: " << e.what() << "\n";
    }
    return 1;
}
