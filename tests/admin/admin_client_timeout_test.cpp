// The client side of issue 7: --timeout (askDaemon's timeout) bounds connecting and waiting
// for the answer, against daemons that listen but never answer. Every wait has a deadline.
#include <cppunit/extensions/HelperMacros.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "admin/admin_client.h"
#include "admin_test_peers.h"

extern char** environ;

namespace relaysync::test {

using namespace std::chrono_literals;

namespace {

Poco::JSON::Object::Ptr ping() {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("command", "ping");
    return object;
}

struct CliRun {
    int exit_code = -1;  // -1: killed at the test's deadline
    long long took_ms = 0;
    std::string error_output;
};

// Runs relaysync-admin with `arguments`, killing it if it is still running at `deadline`.
CliRun runCli(const std::vector<std::string>& arguments, const std::filesystem::path& error_file, Deadline deadline) {
    std::vector<std::string> words{RELAYSYNC_ADMIN_CLI};
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, error_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const auto start = Clock::now();
    pid_t child = 0;
    const int spawned = posix_spawn(&child, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string("spawn ") + argv[0], 0, spawned);
    CliRun run;
    int status = 0;
    const bool ended = waitUntil(deadline, [&] { return ::waitpid(child, &status, WNOHANG) == child; });
    run.took_ms = millisecondsSince(start);
    if (!ended) {
        ::kill(child, SIGKILL);
        ::waitpid(child, &status, 0);
    } else if (WIFEXITED(status)) {
        run.exit_code = WEXITSTATUS(status);
    }
    std::ifstream in(error_file);
    std::ostringstream text;
    text << in.rdbuf();
    run.error_output = text.str();
    return run;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

class AdminClientTimeoutTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AdminClientTimeoutTest);
    CPPUNIT_TEST(askDaemonGivesUpOnADaemonThatNeverAccepts);
    CPPUNIT_TEST(askDaemonGivesUpOnADaemonThatAcceptsButNeverAnswers);
    CPPUNIT_TEST(askDaemonGivesUpOnAFullBacklog);
    CPPUNIT_TEST(cliTimeoutBoundsASilentDaemon);
    CPPUNIT_TEST(cliTimeoutBoundsConnecting);
    CPPUNIT_TEST(cliTimeoutMustBeAPositiveWholeNumber);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        directory_ = std::filesystem::temp_directory_path() / ("relaysync-client-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(directory_);
        socket_ = (directory_ / "silent.sock").string();
    }
    void tearDown() override { std::filesystem::remove_all(directory_); }

    void askDaemonGivesUpOnADaemonThatNeverAccepts() {
        SilentDaemon daemon(socket_, false);
        expectTimeout("never accepts", "did not answer within 1 s");
    }

    void askDaemonGivesUpOnADaemonThatAcceptsButNeverAnswers() {
        SilentDaemon daemon(socket_, true);
        expectTimeout("accepts, never answers", "did not answer within 1 s");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), daemon.accepted());
    }

    void askDaemonGivesUpOnAFullBacklog() {
        SilentDaemon daemon(socket_, false, 0);
        const auto queued = fillBacklog(socket_);
        std::cout << "\n  backlog full after " << queued.size() << " connection(s)" << std::flush;
        expectTimeout("backlog full", "did not accept the connection within 1 s");
    }

    // The brief's case: a daemon that accepts but never answers; exit 2 within the timeout.
    void cliTimeoutBoundsASilentDaemon() {
        SilentDaemon daemon(socket_, true);
        const auto run = runCli({"--socket", socket_, "--timeout", "1", "ping"}, directory_ / "err", in(10s));
        std::cout << "\n  relaysync-admin --timeout 1 against a silent daemon: exit " << run.exit_code << " after "
                  << run.took_ms << " ms (bound 2000 ms): " << run.error_output << std::flush;
        CPPUNIT_ASSERT_EQUAL(2, run.exit_code);
        CPPUNIT_ASSERT(run.took_ms >= 1000 && run.took_ms < 2000);
        CPPUNIT_ASSERT_MESSAGE(run.error_output,
                               contains(run.error_output, "relaysync-admin: the daemon at " + socket_ + " did not answer within 1 s"));
    }

    void cliTimeoutBoundsConnecting() {
        SilentDaemon daemon(socket_, false, 0);
        const auto queued = fillBacklog(socket_);
        const auto run = runCli({"--socket", socket_, "--timeout", "1", "status"}, directory_ / "err", in(10s));
        std::cout << "\n  relaysync-admin --timeout 1 against a full backlog: exit " << run.exit_code << " after "
                  << run.took_ms << " ms (bound 2000 ms): " << run.error_output << std::flush;
        CPPUNIT_ASSERT_EQUAL(2, run.exit_code);
        CPPUNIT_ASSERT(run.took_ms >= 1000 && run.took_ms < 2000);
        CPPUNIT_ASSERT_MESSAGE(run.error_output, contains(run.error_output, "did not accept the connection within 1 s"));
    }

    void cliTimeoutMustBeAPositiveWholeNumber() {
        for (const std::string value : {"0", "-3", "1.5", "soon"}) {
            const auto run = runCli({"--socket", socket_, "--timeout", value, "ping"}, directory_ / "err", in(10s));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(value, 2, run.exit_code);
            CPPUNIT_ASSERT_MESSAGE(run.error_output, contains(run.error_output, "--timeout takes a whole number of seconds"));
        }
    }

private:
    void expectTimeout(const std::string& what, const std::string& expected) {
        const auto start = Clock::now();
        try {
            core::askDaemon(socket_, ping(), Poco::Timespan(1, 0));
            CPPUNIT_FAIL("expected AdminTimeoutError");
        } catch (const core::AdminTimeoutError& e) {
            const auto took = millisecondsSince(start);
            std::cout << "\n  askDaemon, timeout 1 s, daemon " << what << ": gave up after " << took
                      << " ms (bound 1500 ms): " << e.what() << std::flush;
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), expected));
            CPPUNIT_ASSERT(took >= 1000 && took < 1500);
        }
    }

    std::filesystem::path directory_;
    std::string socket_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminClientTimeoutTest);

}  // namespace relaysync::test
