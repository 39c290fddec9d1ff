// One daemon per database: a second relay started on a running one's profile (in the foreground
// or with --daemon), or on its admin socket only, exits with "already running (pid N)" and
// leaves the first serving; what a killed daemon leaves behind blocks no restart.
#include <cppunit/extensions/HelperMacros.h>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <thread>

#include "cluster/child_process.h"
#include "cluster/cluster.h"
#include "plain_relay.h"

namespace relaysync::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {
constexpr int kExitAlreadyRunning = 75;  // EX_TEMPFAIL
constexpr auto kExitBound = 20s;         // for a process that should end by itself
}  // namespace

class SingleInstanceTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SingleInstanceTest);
    CPPUNIT_TEST(secondRelayOnTheSameProfileIsRefused);
    CPPUNIT_TEST(secondDaemonIsRefusedOnTheStartersStandardError);
    CPPUNIT_TEST(anotherNodeOnTheSameAdminSocketIsRefused);
    CPPUNIT_TEST(whatAKilledDaemonLeavesBlocksNoRestart);
    CPPUNIT_TEST(lockFileNamingALiveProcessThatHoldsNoLockBlocksNothing);
    CPPUNIT_TEST(restoreIsRefusedUnderARunningDaemonAndWorksOnceStopped);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        tools_ = cluster::ClusterTools::fromBuildTree();
        dir_ = fs::temp_directory_path() / ("relaysync-single-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir_);
        database_ = dir_ / "relay.db";
        profile_ = writeProfile("relay", database_, "");
        cluster_ = std::make_unique<cluster::Cluster>(tools_, dir_, dir_ / "certs");
        cluster_->addNode(profile_);
    }

    void tearDown() override {
        cluster_.reset();  // stops what it started, by pid
        // A --daemon relay is not our child: stopped by the pid it wrote.
        if (daemon_pid_ > 0 && ::kill(daemon_pid_, 0) == 0) {
            ::kill(daemon_pid_, SIGTERM);
            if (!waitFor([&] { return ::kill(daemon_pid_, 0) != 0; }, 10s)) ::kill(daemon_pid_, SIGKILL);
        }
        fs::remove_all(dir_);
    }

    // --restore takes the instance lock: never under a running daemon's feet. Once it has
    // stopped, the backup goes in place with a new epoch and the relay serves from it.
    void restoreIsRefusedUnderARunningDaemonAndWorksOnceStopped() {
        cluster_->start("relay");
        const auto first = cluster_->pid("relay");
        const auto backup = dir_ / "backup.db";
        CPPUNIT_ASSERT_EQUAL(0, std::system(("sqlite3 '" + database_.string() + "' \".backup '" + backup.string() +
                                             "'\" >/dev/null 2>&1").c_str()));
        auto refused = launch({"--profile=" + profile_.string(), "--restore=" + backup.string()}, "restore1");
        CPPUNIT_ASSERT(refused.waitExit(kExitBound));
        CPPUNIT_ASSERT_EQUAL(kExitAlreadyRunning, refused.exitCode().value_or(-1));
        assertFirstStillServes(first);

        cluster_->stop("relay");
        auto restore = launch({"--profile=" + profile_.string(), "--restore=" + backup.string()}, "restore2");
        CPPUNIT_ASSERT(restore.waitExit(kExitBound));
        const auto said = cluster::readText(dir_ / "restore2.out");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(cluster::readText(dir_ / "restore2.err"), 0, restore.exitCode().value_or(-1));
        CPPUNIT_ASSERT_MESSAGE(said, said.find("restored from " + backup.string()) != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(said, said.find("new message epoch") != std::string::npos);
        cluster_->start("relay");
        assertFirstStillServes(cluster_->pid("relay"));
    }

    void secondRelayOnTheSameProfileIsRefused() {
        cluster_->start("relay");
        const auto first = cluster_->pid("relay");
        auto second = launch({"--profile=" + profile_.string()}, "second");
        CPPUNIT_ASSERT_MESSAGE("the second relay ends by itself", second.waitExit(kExitBound));
        CPPUNIT_ASSERT_EQUAL(kExitAlreadyRunning, second.exitCode().value_or(-1));
        CPPUNIT_ASSERT_EQUAL("relaysync-relay: already running (pid " + std::to_string(first) + ") on sqlite:" +
                                 database_.string() + "\n",
                             cluster::readText(dir_ / "second.err"));
        assertFirstStillServes(first);
    }

    // --daemon: the starting process waits until the daemon serves or has failed, so the
    // refusal is on its standard error and in its exit code; the first's pid file is untouched.
    void secondDaemonIsRefusedOnTheStartersStandardError() {
        const auto pid_file = dir_ / "relay.pid";
        auto starter = launch({"--profile=" + profile_.string(), "--daemon", "--pidfile=" + pid_file.string()}, "first");
        CPPUNIT_ASSERT(starter.waitExit(kExitBound));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(cluster::readText(dir_ / "first.err"), 0, starter.exitCode().value_or(-1));
        std::ifstream(pid_file) >> daemon_pid_;
        CPPUNIT_ASSERT(daemon_pid_ > 0 && ::kill(daemon_pid_, 0) == 0);

        auto second = launch({"--profile=" + profile_.string(), "--daemon", "--pidfile=" + pid_file.string()}, "second");
        CPPUNIT_ASSERT(second.waitExit(kExitBound));
        CPPUNIT_ASSERT_EQUAL(kExitAlreadyRunning, second.exitCode().value_or(-1));
        const auto error = cluster::readText(dir_ / "second.err");
        CPPUNIT_ASSERT_MESSAGE(error, error.find("relaysync-relay: already running (pid " + std::to_string(daemon_pid_) +
                                                 ") on sqlite:") == 0);
        pid_t written = 0;
        std::ifstream(pid_file) >> written;
        CPPUNIT_ASSERT_EQUAL(daemon_pid_, written);
        assertFirstStillServes(daemon_pid_);
    }

    // Another node's profile that names the running relay's admin socket: its own database is
    // free, the socket is not, and it stops before it talks to anyone.
    void anotherNodeOnTheSameAdminSocketIsRefused() {
        cluster_->start("relay");
        const auto first = cluster_->pid("relay");
        const auto socket = cluster_->node("relay").admin_socket;
        const auto other = writeProfile("other", dir_ / "other.db", socket.string());
        auto second = launch({"--profile=" + other.string()}, "second");
        CPPUNIT_ASSERT(second.waitExit(kExitBound));
        CPPUNIT_ASSERT_EQUAL(kExitAlreadyRunning, second.exitCode().value_or(-1));
        CPPUNIT_ASSERT_EQUAL("relaysync-relay: already running (pid " + std::to_string(first) + ") on admin socket " +
                                 socket.string() + "\n",
                             cluster::readText(dir_ / "second.err"));
        assertFirstStillServes(first);
    }

    // SIGKILL: no destructor runs, the lock file and the socket file stay; the kernel dropped
    // the lock and nobody listens on the socket, so the restart takes both over.
    void whatAKilledDaemonLeavesBlocksNoRestart() {
        cluster_->start("relay");
        cluster_->kill("relay");
        CPPUNIT_ASSERT(fs::exists(lockFile()));
        CPPUNIT_ASSERT(fs::is_socket(cluster_->node("relay").admin_socket));
        cluster_->restart("relay");
        assertFirstStillServes(cluster_->pid("relay"));
    }

    // Only the lock counts, not the pid in the file: that pid may since belong to anyone.
    void lockFileNamingALiveProcessThatHoldsNoLockBlocksNothing() {
        std::ofstream(lockFile()) << ::getpid() << "\n";
        cluster_->start("relay");
        assertFirstStillServes(cluster_->pid("relay"));
    }

private:
    fs::path writeProfile(const std::string& name, const fs::path& database, const std::string& socket) const {
        return writePlainRelayProfile(dir_, name, tools_.plugin_dir, database, socket);
    }

    fs::path lockFile() const { return fs::path(fs::weakly_canonical(database_).string() + ".lock"); }

    // relaysync-relay with `arguments`; standard output in <name>.out, standard error in <name>.err.
    cluster::ChildProcess launch(std::vector<std::string> arguments, const std::string& name) const {
        cluster::LaunchSpec spec;
        spec.program = tools_.bin_dir / "relaysync-relay";
        spec.arguments = std::move(arguments);
        spec.environment = cluster::environmentWith({});
        spec.output = dir_ / (name + ".out");
        spec.error_output = dir_ / (name + ".err");
        return cluster::ChildProcess(spec);
    }

    // The relay with pid `pid` holds the lock and answers relaysync-admin ping on its socket.
    void assertFirstStillServes(pid_t pid) {
        CPPUNIT_ASSERT_EQUAL(0, ::kill(pid, 0));
        const auto ping = cluster_->adminCli("relay", {"ping"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(ping.err, 0, ping.exit_code);
        CPPUNIT_ASSERT_MESSAGE(ping.out, ping.out.find("account: relay-server1@net") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::to_string(pid) + "\n", cluster::readText(lockFile()));
    }

    template <class Condition>
    static bool waitFor(Condition&& condition, std::chrono::milliseconds bound) {
        for (auto end = std::chrono::steady_clock::now() + bound; std::chrono::steady_clock::now() < end;) {
            if (condition()) return true;
            std::this_thread::sleep_for(50ms);
        }
        return condition();
    }

    cluster::ClusterTools tools_;
    fs::path dir_, database_, profile_;
    std::unique_ptr<cluster::Cluster> cluster_;
    pid_t daemon_pid_ = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SingleInstanceTest);

}  // namespace relaysync::e2e
