// relaysync-relay and relaysync-terminal: one site's relay server or one user's terminal agent,
// started from its YAML profile (Poco ServerApplication for options and signals; --daemon and
// --pidfile are handled here, see detach.h and pid_file.h).
//
//   relaysync-relay --profile=config/four-site/relay1.yaml [--daemon --pidfile=/run/r1.pid]
//   relaysync-terminal --profile=client11.yaml --check     (validate the profile and plugins)
//   relaysync-relay --profile=relay.yaml --restore=BACKUP   (put a database backup in place)
//
// One daemon per database: a second start on the same database or admin socket exits with
// "relaysync-relay: already running (pid N) on sqlite:/path/relay1.db" and leaves the first alone.
#include <algorithm>
#include <pthread.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string_view>

#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include "admin/admin_commands.h"
#include "admin/admin_server.h"
#include "admin/admin_socket.h"
#include "admin/instance_lock.h"
#include "admin/socket_group.h"
#include "assembly/node_factory.h"
#include "brand/brand.h"
#include "brand/version_text.h"
#include "detach.h"
#include "logging_setup.h"
#include "metrics/node_endpoint.h"
#include "persistence/database_restore.h"
#include "pid_file.h"
#include "profile/profile_loader.h"

#ifndef RELAYSYNC_DAEMON_ROLE
#error "RELAYSYNC_DAEMON_ROLE must be \"relay\" or \"terminal\""
#endif

namespace relaysync::core {
namespace {

constexpr const char* kRole = RELAYSYNC_DAEMON_ROLE;
// Another daemon has this node's database or admin socket (EX_TEMPFAIL: it can start once
// that one has stopped).
constexpr int kExitAlreadyRunning = Poco::Util::Application::EXIT_TEMPFAIL;

class Daemon final : public Poco::Util::ServerApplication {
protected:
    void defineOptions(Poco::Util::OptionSet& options) override {
        ServerApplication::defineOptions(options);
        options.addOption(Poco::Util::Option("profile", "p", "the node's YAML profile").argument("FILE").repeatable(false));
        options.addOption(Poco::Util::Option("check", "c", "load the profile and its plugins, then exit"));
        options.addOption(Poco::Util::Option("restore", "", "put BACKUP (an SQLite online backup of this node's "
                                             "database) in place of the database, with a new message epoch, then exit; "
                                             "the daemon must be stopped")
                              .argument("BACKUP")
                              .repeatable(false));
        options.addOption(Poco::Util::Option("help", "h", "show this help"));
        options.addOption(Poco::Util::Option("version", "V", "show the version and exit"));
    }

    void handleOption(const std::string& name, const std::string& value) override {
        // Poco would write the pid file now, before the instance lock is ours: a second daemon
        // would overwrite the running one's, then delete it on exit.
        if (name == "pidfile") {
            pid_file_path_ = std::filesystem::absolute(value).string();
            return;
        }
        ServerApplication::handleOption(name, value);
        if (name == "profile") profile_path_ = value;
        if (name == "check") check_only_ = true;
        if (name == "restore") restore_from_ = std::filesystem::absolute(value).string();
        if (name == "help" || name == "version") {
            (name == "help" ? help_ : version_) = true;
            stopOptionsProcessing();
        }
    }

    int main(const std::vector<std::string>&) override {
        if (version_) {
            std::cout << brand::versionText(commandName());
            return EXIT_OK;
        }
        if (help_) {
            Poco::Util::HelpFormatter help(options());
            help.setCommand(commandName());
            help.setUsage("--profile=FILE [--check | --restore=BACKUP] [--daemon] [--pidfile=FILE]");
            help.setHeader("Runs a " + std::string(brand::kProductName) + " " + kRole + " from its YAML profile.");
            help.setFooter(brand::helpFooter());
            help.format(std::cout);
            return EXIT_OK;
        }
        if (profile_path_.empty()) return fail(EXIT_USAGE, "--profile=FILE is required (try --help)");
        if (check_only_ && !restore_from_.empty()) return fail(EXIT_USAGE, "--check and --restore do not go together");
        std::signal(SIGPIPE, SIG_IGN);  // a peer that hangs up is an error to handle, not a signal
        // Before any thread exists, so that every thread inherits the mask and these signals
        // reach only waitForStopSignal's sigwait (an unblocked thread would take SIGHUP's
        // default action: the end of the process).
        blockControlSignals();
        try {
            const auto profile = loadProfile(profile_path_);
            const std::string role = profile.role == NodeRole::relay ? "relay" : "terminal";
            if (role != kRole)
                return fail(EXIT_CONFIG, profile.source + ": node.role is " + role + "; run relaysync-" + role + " for it");
            // --check writes nothing: not even the log file, which root running it would make
            // its own and the daemon's user could then not write.
            auto log = profile.log;
            if (check_only_ || !restore_from_.empty()) log.file.clear();
            configureLogging(log);
            logging_configured_ = true;
            // Taken before the database is opened and held until the node has stopped (it is
            // destroyed last). --check only looks, so it may run next to the daemon.
            std::optional<InstanceLock> lock;
            std::optional<PidFile> pid_file;
            if (!check_only_) {
                const auto place = instanceLockPlace(profile);
                lock.emplace(place.path, place.what);
                if (!pid_file_path_.empty()) pid_file.emplace(pid_file_path_);
            }
            if (!restore_from_.empty()) return restore(profile);
            PluginHost host(profile.plugin_paths);
            if (check_only_) {
                // Everything but the database, which --check leaves alone: made by root, the
                // file would be root's, and the daemon's user could not write it.
                auto checked = profile;
                checked.database = "sqlite::memory:";
                buildNode(checked, host);
                std::cout << profile.source << ": " << kRole << " " << profile.account << " is ready to start\n";
                return EXIT_OK;
            }
            auto node = buildNode(profile, host);
            return serve(profile, *node);
        } catch (const AlreadyRunning& e) {
            return fail(kExitAlreadyRunning, e.what());
        } catch (const std::exception& e) {
            return fail(EXIT_CONFIG, e.what());
        }
    }

private:
    // Under the instance lock, so never under a running daemon's feet.
    int restore(const Profile& profile) {
        const std::string sqlite = "sqlite:";
        if (profile.database.rfind(sqlite, 0) != 0 || profile.database == "sqlite::memory:")
            return fail(EXIT_USAGE, "--restore works on an SQLite database file; " + profile.database + " is not one");
        const auto file = profile.database.substr(sqlite.size());
        const auto restored = restoreDatabase(file, restore_from_);
        std::cout << commandName() << ": " << file << " restored from " << restore_from_ << " (schema "
                  << restored.schema_version << ", new message epoch " << restored.epoch
                  << ").\nStart the daemon; a synchronize of each share brings back what changed since the backup.\n";
        return EXIT_OK;
    }

    int serve(const Profile& profile, Node& node) {
        auto& log = Poco::Logger::get("relaysync.daemon");
        const auto& settings = profile.admin;
        const AdminLimits limits{std::chrono::milliseconds(settings.read_timeout_ms), settings.max_request_bytes,
                                 settings.max_connections, settings.workers,
                                 std::chrono::milliseconds(settings.write_timeout_ms)};
        AdminServer admin(
            adminSocketPath(profile),
            [&node](const Poco::JSON::Object::Ptr& request) {
                try {
                    auto reply = runAdminCommand(node, request);
                    node.metrics().adminCommand(true);
                    return reply;
                } catch (...) {
                    node.metrics().adminCommand(false);
                    throw;
                }
            },
            limits);
        // Before the node talks to its peers: a second daemon that shares only the socket with
        // a running one must stop here, not after connecting to the peers as the same account.
        admin.claim();
        if (!settings.group.empty()) grantSocketToGroup(admin.socketPath(), settings.group);
        // Bound before the node starts: a port in use or a bad key is a start-up error.
        std::optional<metrics::NodeEndpoint> metrics;
        if (!profile.metrics.listen.empty()) metrics.emplace(profile.metrics, node, kRole);
        node.start(Node::Dispatch::background);
        admin.start();
        if (metrics) {
            metrics->start();
            log.information("metrics at %s", metrics->url());
        }
        log.information("%s %s is running (%s %s; profile %s, admin socket %s)", std::string(kRole), profile.account,
                        std::string(brand::kProductName), std::string(brand::kVersion), profile.source,
                        admin.socketPath());
        announceReady();
        waitForStopSignal();
        log.information("%s %s is stopping", std::string(kRole), profile.account);
        if (metrics) metrics->stop();
        admin.stop();
        node.stop();
        return EXIT_OK;
    }

    static sigset_t controlSignals() {
        sigset_t signals;
        sigemptyset(&signals);
        for (const int each : {SIGINT, SIGQUIT, SIGTERM, SIGHUP}) sigaddset(&signals, each);
        return signals;
    }

    static void blockControlSignals() {
        const sigset_t signals = controlSignals();
        pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    }

    // Returns on SIGINT, SIGQUIT or SIGTERM; SIGHUP (logrotate's) reopens the log file.
    static void waitForStopSignal() {
        const sigset_t signals = controlSignals();
        for (;;) {
            int received = 0;
            if (sigwait(&signals, &received) != 0) continue;
            if (received != SIGHUP) return;
            reopenLogFile();
            Poco::Logger::get("relaysync.daemon").information("log file reopened (SIGHUP)");
        }
    }

    int fail(int code, const std::string& message) {
        std::cerr << commandName() << ": " << message << "\n";
        // Also into the profile's log file once there is one: what remains to be read when
        // standard error went to a terminal that is closed, or to nowhere.
        if (logging_configured_) Poco::Logger::get("relaysync.daemon").error("%s", message);
        return code;
    }

    std::string profile_path_;
    std::string pid_file_path_;
    bool check_only_ = false;
    std::string restore_from_;
    bool help_ = false;
    bool version_ = false;
    bool logging_configured_ = false;
};

}  // namespace
}  // namespace relaysync::core

// POCO_SERVER_MAIN, except that --daemon is taken out of Poco's hands (detach.h).
int main(int argc, char** argv) {
    std::vector<char*> arguments(argv, argv + argc);
    const auto daemon = std::remove_if(arguments.begin() + 1, arguments.end(),
                                       [](const char* each) { return std::string_view(each) == "--daemon"; });
    const bool detach = daemon != arguments.end();
    arguments.erase(daemon, arguments.end());
    const std::string name = std::filesystem::path(argv[0]).filename().string();
    try {
        if (detach)
            if (const auto starter_exit_code = relaysync::core::detachWhenReady()) return *starter_exit_code;
        relaysync::core::Daemon app;
        return app.run(static_cast<int>(arguments.size()), arguments.data());
    } catch (const Poco::Exception& e) {
        std::cerr << name << ": " << e.displayText() << "\n";
        return Poco::Util::Application::EXIT_SOFTWARE;
    } catch (const std::exception& e) {
        std::cerr << name << ": " << e.what() << "\n";
        return Poco::Util::Application::EXIT_SOFTWARE;
    }
}
