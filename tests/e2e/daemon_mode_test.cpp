// The relay daemon as an IT department runs it: --daemon with a pid file, stopped by SIGTERM,
// and a profile of the wrong role refused with exit code 78 (EX_CONFIG), in the foreground and
// through --daemon's starting process.
#include <cppunit/extensions/HelperMacros.h>

#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

#include "ports/loopback_ports.h"
#include "admin/admin_client.h"
#include "cluster/child_process.h"
#include "cluster/cluster.h"
#include "cluster/profile_writer.h"

namespace relaysync::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class DaemonModeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DaemonModeTest);
    CPPUNIT_TEST(daemonWritesItsPidFileAndStopsOnSigterm);
    CPPUNIT_TEST(profileOfTheOtherRoleIsRefused);
    CPPUNIT_TEST(startUpErrorOfADaemonReachesItsStarter);
    CPPUNIT_TEST(missingPidFileFolderIsAStartUpError);
    CPPUNIT_TEST(sighupReopensTheLogFile);
    CPPUNIT_TEST(adminGroupGetsTheSocket);
    CPPUNIT_TEST(unknownAdminGroupIsAStartUpError);
    CPPUNIT_TEST(everyProgramTellsItsVersion);
    CPPUNIT_TEST(checkWritesNoLogFile);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        tools_ = cluster::ClusterTools::fromBuildTree();
        dir_ = fs::temp_directory_path() / ("relaysync-daemon-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir_);
        profile_ = dir_ / "relay.yaml";
        writeProfile("", "");
    }

    // `log_extra` and `admin_extra` go into the log: and admin: mappings ("rotation: external").
    void writeProfile(const std::string& log_extra, const std::string& admin_extra) {
        const auto port = ports::reserveLoopbackPort();
        std::ofstream(profile_) << "relaysync: 1\n"
                                   "node: {role: relay, account: relay-server1@net, display_name: Tokyo}\n"
                                   "database: sqlite:" << (dir_ / "relay.db").string() << "\n"
                                   "transport:\n  plugin: direct\n  config: {listen: \"127.0.0.1:" << port
                                << "\", plaintext: \"true\"}\n"
                                   "plugins: {paths: [" << tools_.plugin_dir.string() << "]}\n"
                                   "log: {file: " << (dir_ / "relay.log").string() << log_extra << "}\n"
                                << (admin_extra.empty() ? "" : "admin: {" + admin_extra + "}\n");
    }

    void tearDown() override {
        if (daemon_pid_ > 0 && ::kill(daemon_pid_, 0) == 0) ::kill(daemon_pid_, SIGKILL);
        fs::remove_all(dir_);
    }

    void daemonWritesItsPidFileAndStopsOnSigterm() {
        const auto pid_file = dir_ / "relay.pid";
        auto starter = run(tools_.bin_dir / "relaysync-relay",
                           {"--profile=" + profile_.string(), "--daemon", "--pidfile=" + pid_file.string()});
        CPPUNIT_ASSERT_MESSAGE("the starting process returns once the daemon is running", starter.waitExit(10s));
        CPPUNIT_ASSERT_EQUAL(0, starter.exitCode().value_or(-1));
        CPPUNIT_ASSERT_MESSAGE("pid file", waitFor([&] { return fs::exists(pid_file); }, 10s));
        std::ifstream(pid_file) >> daemon_pid_;
        CPPUNIT_ASSERT(daemon_pid_ > 0 && ::kill(daemon_pid_, 0) == 0);

        Poco::JSON::Object::Ptr ping = new Poco::JSON::Object;
        ping->set("command", "ping");
        const auto socket = (dir_ / "relay.db.sock").string();
        CPPUNIT_ASSERT(waitFor([&] { return fs::exists(socket); }, 10s));
        const auto answer = core::askDaemon(socket, ping, Poco::Timespan(10, 0));
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server1@net"), answer->getValue<std::string>("account"));

        CPPUNIT_ASSERT_EQUAL(0, ::kill(daemon_pid_, SIGTERM));
        CPPUNIT_ASSERT_MESSAGE("stops on SIGTERM", waitFor([&] { return ::kill(daemon_pid_, 0) != 0; }, 15s));
        CPPUNIT_ASSERT_MESSAGE("removes its pid file", !fs::exists(pid_file));
        CPPUNIT_ASSERT_MESSAGE("removes its admin socket", !fs::exists(socket));
        std::ifstream log(dir_ / "relay.log");
        const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
        CPPUNIT_ASSERT_MESSAGE(text, text.find("is stopping") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE("plaintext is announced", text.find("plaintext") != std::string::npos ||
                                                             text.find("unencrypted") != std::string::npos);
    }

    void profileOfTheOtherRoleIsRefused() {
        auto terminal = run(tools_.bin_dir / "relaysync-terminal", {"--profile=" + profile_.string()});
        CPPUNIT_ASSERT(terminal.waitExit(10s));
        CPPUNIT_ASSERT_EQUAL(78, terminal.exitCode().value_or(-1));
        std::ifstream out(dir_ / "terminal.out");
        const std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
        CPPUNIT_ASSERT_MESSAGE(text, text.find("node.role is relay; run relaysync-relay for it") != std::string::npos);
    }

    // The starting process waits for the daemon to serve or fail: a failure is its own.
    void startUpErrorOfADaemonReachesItsStarter() {
        auto terminal = run(tools_.bin_dir / "relaysync-terminal", {"--profile=" + profile_.string(), "--daemon"});
        CPPUNIT_ASSERT(terminal.waitExit(10s));
        CPPUNIT_ASSERT_EQUAL(78, terminal.exitCode().value_or(-1));
        std::ifstream out(dir_ / "terminal.out");
        const std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
        CPPUNIT_ASSERT_MESSAGE(text, text.find("node.role is relay; run relaysync-relay for it") != std::string::npos);
    }

    void missingPidFileFolderIsAStartUpError() {
        const auto pid_file = dir_ / "no-such-folder" / "relay.pid";
        auto starter = run(tools_.bin_dir / "relaysync-relay",
                           {"--profile=" + profile_.string(), "--daemon", "--pidfile=" + pid_file.string()});
        CPPUNIT_ASSERT(starter.waitExit(10s));
        CPPUNIT_ASSERT(starter.exitCode().value_or(0) != 0);
        const auto text = readFile(dir_ / "relay.out");
        CPPUNIT_ASSERT_MESSAGE(text, text.find("relaysync-relay: ") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(text, text.find(pid_file.string()) != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE("nothing serves", !fs::exists(dir_ / "relay.db.sock"));
    }

    // logrotate renames the file, then sends SIGHUP: the daemon writes to a new file and lives on.
    void sighupReopensTheLogFile() {
        writeProfile(", rotation: external", "");
        startDaemon();
        fs::rename(dir_ / "relay.log", dir_ / "relay.log.1");
        CPPUNIT_ASSERT_EQUAL(0, ::kill(daemon_pid_, SIGHUP));
        CPPUNIT_ASSERT_MESSAGE("a new log file", waitFor([&] {
            return readFile(dir_ / "relay.log").find("log file reopened") != std::string::npos;
        }, 10s));
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server1@net"), ping()->getValue<std::string>("account"));
        CPPUNIT_ASSERT(readFile(dir_ / "relay.log.1").find("is running") != std::string::npos);
    }

    void adminGroupGetsTheSocket() {
        const auto group = ::getgrgid(::getegid());
        CPPUNIT_ASSERT(group);
        writeProfile("", std::string("group: ") + group->gr_name);
        startDaemon();
        struct stat socket {};
        CPPUNIT_ASSERT_EQUAL(0, ::stat((dir_ / "relay.db.sock").c_str(), &socket));
        CPPUNIT_ASSERT_EQUAL(static_cast<unsigned>(0660), static_cast<unsigned>(socket.st_mode & 0777));
        CPPUNIT_ASSERT_EQUAL(::getegid(), socket.st_gid);
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server1@net"), ping()->getValue<std::string>("account"));
    }

    void unknownAdminGroupIsAStartUpError() {
        writeProfile("", "group: no-such-group-for-relaysync");
        auto starter = run(tools_.bin_dir / "relaysync-relay", {"--profile=" + profile_.string(), "--daemon"});
        CPPUNIT_ASSERT(starter.waitExit(10s));
        CPPUNIT_ASSERT(starter.exitCode().value_or(0) != 0);
        const auto text = readFile(dir_ / "relay.out");
        CPPUNIT_ASSERT_MESSAGE(text, text.find("admin.group 'no-such-group-for-relaysync': no such group") !=
                                         std::string::npos);
    }

    void everyProgramTellsItsVersion() {
        for (const std::string program : {"relaysync-relay", "relaysync-terminal", "relaysync-admin"}) {
            auto child = run(tools_.bin_dir / program, {"--version"});
            CPPUNIT_ASSERT(child.waitExit(10s));
            CPPUNIT_ASSERT_EQUAL(0, child.exitCode().value_or(-1));
            const auto text = readFile(dir_ / outputName(program));
            CPPUNIT_ASSERT_MESSAGE(text, text.rfind(program + " (relaysync) ", 0) == 0);
            CPPUNIT_ASSERT_MESSAGE(text, text.find("protocol ") != std::string::npos);
        }
    }

    // root runs --check before the service starts as its own user: a log file made by --check
    // would be root's, and the daemon could not write it.
    void checkWritesNoLogFile() {
        auto check = run(tools_.bin_dir / "relaysync-relay", {"--profile=" + profile_.string(), "--check"});
        CPPUNIT_ASSERT(check.waitExit(10s));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(readFile(dir_ / "relay.out"), 0, check.exitCode().value_or(-1));
        CPPUNIT_ASSERT_MESSAGE("--check made the log file", !fs::exists(dir_ / "relay.log"));
    }

private:
    void startDaemon() {
        const auto pid_file = dir_ / "relay.pid";
        auto starter = run(tools_.bin_dir / "relaysync-relay",
                           {"--profile=" + profile_.string(), "--daemon", "--pidfile=" + pid_file.string()});
        CPPUNIT_ASSERT(starter.waitExit(10s));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(readFile(dir_ / "relay.out"), 0, starter.exitCode().value_or(-1));
        std::ifstream(pid_file) >> daemon_pid_;
        CPPUNIT_ASSERT(daemon_pid_ > 0);
    }

    Poco::JSON::Object::Ptr ping() {
        Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
        request->set("command", "ping");
        return core::askDaemon((dir_ / "relay.db.sock").string(), request, Poco::Timespan(10, 0));
    }

    static std::string outputName(const std::string& program) {
        if (program == "relaysync-terminal") return "terminal.out";
        if (program == "relaysync-relay") return "relay.out";
        return program + ".out";
    }

    static std::string readFile(const fs::path& path) {
        std::ifstream in(path);
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }

    cluster::ChildProcess run(const fs::path& program, std::vector<std::string> arguments) {
        cluster::LaunchSpec spec;
        spec.program = program;
        spec.arguments = std::move(arguments);
        for (char** variable = environ; *variable; ++variable) spec.environment.emplace_back(*variable);
        spec.output = dir_ / outputName(program.filename().string());
        return cluster::ChildProcess(spec);
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
    fs::path dir_, profile_;
    pid_t daemon_pid_ = 0;
};

CPPUNIT_TEST_SUITE_REGISTRATION(DaemonModeTest);

}  // namespace relaysync::e2e
