// status through the admin channel and the command line: pages of a relay's entries, the
// share filter, refusals, and relaysync-admin streaming every page (--all).
#include <cppunit/extensions/HelperMacros.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include <Poco/JSON/Parser.h>

#include "admin/admin_client.h"
#include "admin/admin_commands.h"
#include "admin/admin_server.h"
#include "admin_test_peers.h"
#include "checker/timestamp_size_checker.h"
#include "memory_store.h"
#include "protocol/json_fields.h"
#include "runtime/in_process_network.h"

extern char** environ;

namespace relaysync::test {

using core::askDaemon;
using namespace std::chrono_literals;

namespace {

constexpr int kResources = 25;

Poco::JSON::Object::Ptr request(const std::string& command, Poco::JSON::Object::Ptr args = new Poco::JSON::Object) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("command", command);
    object->set("args", args);
    return object;
}

// The names of the entries of every share on one status page, in order.
std::vector<std::string> namesOn(const Poco::JSON::Object::Ptr& page) {
    std::vector<std::string> names;
    const auto shares = page->getArray("shares");
    for (std::size_t i = 0; i < shares->size(); ++i) {
        const auto entries = shares->getObject(static_cast<unsigned>(i))->getArray("entries");
        for (std::size_t j = 0; j < entries->size(); ++j)
            names.push_back(entries->getObject(static_cast<unsigned>(j))->getValue<std::string>("name"));
    }
    return names;
}

struct CliRun {
    int exit_code = -1;
    std::string out, err;
};

// relaysync-admin with `arguments`, to its end or the deadline (then killed by its PID).
CliRun runCli(const std::vector<std::string>& arguments, const std::filesystem::path& directory) {
    std::vector<std::string> words{RELAYSYNC_ADMIN_CLI};
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    const auto out = directory / "cli.out", err = directory / "cli.err";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t child = 0;
    const int spawned = posix_spawn(&child, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string("spawn ") + argv[0], 0, spawned);
    int status = 0;
    if (!waitUntil(in(30s), [&] { return ::waitpid(child, &status, WNOHANG) == child; })) {
        ::kill(child, SIGKILL);
        ::waitpid(child, &status, 0);
        CPPUNIT_FAIL("relaysync-admin did not finish within 30 s");
    }
    const auto read = [](const std::filesystem::path& file) {
        std::ifstream in(file);
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    };
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read(out), read(err)};
}

}  // namespace

class AdminStatusPagesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AdminStatusPagesTest);
    CPPUNIT_TEST(pagesHoldEveryEntryOnce);
    CPPUNIT_TEST(refusalsNameWhatIsWrong);
    CPPUNIT_TEST(cliShowsOnePageOrStreamsAll);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        directory_ = std::filesystem::temp_directory_path() / ("relaysync-status-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(directory_);
        core::Node::Parts relay_parts;
        relay_parts.database = std::make_unique<core::Database>("sqlite:" + (directory_ / "relay.db").string());
        relay_parts.transport = network_.transportFor("relay@net");
        relay_ = core::Node::relay(std::move(relay_parts), "relay@net", "Tokyo", core::RelayPolicy{{}, {"pc@relay.net"}});
        core::Node::Parts parts;
        parts.database = std::make_unique<core::Database>("sqlite:" + (directory_ / "pc.db").string());
        parts.transport = network_.transportFor("pc@relay.net");
        parts.stores = std::make_unique<core::StoreRouter>();
        auto store = std::make_shared<MemoryStore>();
        for (int i = 0; i < kResources; ++i) store->putFile("docs/f" + std::to_string(100 + i) + ".txt", 10, 1000);
        parts.stores->add("c:", store);
        parts.checker = std::make_shared<core::TimestampSizeChecker>();
        terminal_ = core::Node::terminal(std::move(parts), "pc@relay.net", "relay@net", {});
        relay_->start();
        terminal_->start();
        socket_ = (directory_ / "relay.sock").string();
        server_ = std::make_unique<core::AdminServer>(socket_, [this](const auto& r) { return core::runAdminCommand(*relay_, r); });
        server_->start();

        const auto group = relay_->withRelay([](core::RelayEngine& relay) { return relay.createGroup(std::nullopt); });
        relay_->withRelay([&](core::RelayEngine& relay) { relay.addTerminal(group, "pc@relay.net", "PC", "Sales"); });
        network_.run();
        share_ = terminal_->withTerminal([&](core::TerminalEngine& terminal) { return terminal.createShare(group, "docs", {}); });
        network_.run();
        terminal_->withTerminal([&](core::TerminalEngine& terminal) {
            terminal.addResources(share_, terminal.childrenOf("c:/docs"));
        });
        network_.run();
    }

    void tearDown() override {
        server_.reset();
        terminal_.reset();
        relay_.reset();
        std::filesystem::remove_all(directory_);
    }

    void pagesHoldEveryEntryOnce() {
        Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
        args->set("limit", 4);
        std::vector<std::string> names;
        for (int pages = 1;; ++pages) {
            const auto page = askDaemon(socket_, request("status", args));
            CPPUNIT_ASSERT_MESSAGE(core::json::optionalString(page, "error"), page->getValue<bool>("ok"));
            const auto on_page = namesOn(page);
            CPPUNIT_ASSERT(on_page.size() <= 4);
            names.insert(names.end(), on_page.begin(), on_page.end());
            const auto next = page->getObject("page")->getValue<std::string>("next");
            if (next.empty()) {
                CPPUNIT_ASSERT_EQUAL((kResources + 3) / 4, pages);
                break;
            }
            args->set("after", next);
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(kResources), names.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(kResources), std::set<std::string>(names.begin(), names.end()).size());
        CPPUNIT_ASSERT(std::is_sorted(names.begin(), names.end()));

        // One share (named as every command names one: here by its name), counted, without entries.
        args = new Poco::JSON::Object;
        args->set("share", std::string("docs"));
        args->set("limit", 0);
        args->set("count", true);
        const auto counted = askDaemon(socket_, request("status", args));
        const auto share = counted->getArray("shares")->getObject(0);
        CPPUNIT_ASSERT_EQUAL(kResources, share->getValue<int>("entry_count"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), share->getArray("entries")->size());
    }

    void refusalsNameWhatIsWrong() {
        const auto refused = [&](const std::string& key, const Poco::Dynamic::Var& value, const std::string& reason) {
            Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
            args->set(key, value);
            const auto answer = askDaemon(socket_, request("status", args));
            CPPUNIT_ASSERT(!answer->getValue<bool>("ok"));
            const auto error = answer->getValue<std::string>("error");
            CPPUNIT_ASSERT_MESSAGE(error, error.find(reason) != std::string::npos);
        };
        refused("after", std::string("bogus"), "'bogus' is not a status cursor");
        refused("limit", 5000, "a status page holds at most 1000 entries, not 5000");
        refused("limit", -1, "args.limit must be 0 or more");
        refused("share", std::string("nope"), "unknown share 'nope'");
    }

    void cliShowsOnePageOrStreamsAll() {
        auto run = runCli({"--socket", socket_, "status", "--limit", "10"}, directory_);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(run.err, 0, run.exit_code);
        CPPUNIT_ASSERT_MESSAGE(run.out, run.out.find("More entries: status --after ") != std::string::npos);

        run = runCli({"--socket", socket_, "--json", "status", "--all", "--limit", "10", "--share", share_}, directory_);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(run.err, 0, run.exit_code);
        std::istringstream lines(run.out);
        std::vector<std::string> names;
        int pages = 0;
        for (std::string line; std::getline(lines, line); ++pages) {
            const auto page = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
            CPPUNIT_ASSERT(!page->has("text"));
            const auto on_page = namesOn(page);
            names.insert(names.end(), on_page.begin(), on_page.end());
        }
        CPPUNIT_ASSERT_EQUAL(3, pages);  // one JSON object a line, a page each
        CPPUNIT_ASSERT_EQUAL(std::size_t(kResources), std::set<std::string>(names.begin(), names.end()).size());

        run = runCli({"--socket", socket_, "status", "--all", "--limit", "10"}, directory_);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(run.err, 0, run.exit_code);
        CPPUNIT_ASSERT_MESSAGE(run.out, run.out.find(", continued\n") != std::string::npos);
        CPPUNIT_ASSERT(run.out.find("More entries") == std::string::npos);
        for (int i = 0; i < kResources; ++i)
            CPPUNIT_ASSERT_MESSAGE(run.out, run.out.find("f" + std::to_string(100 + i) + ".txt") != std::string::npos);

        run = runCli({"--socket", socket_, "status", "--limit", "ten"}, directory_);
        CPPUNIT_ASSERT_EQUAL(2, run.exit_code);
        CPPUNIT_ASSERT_MESSAGE(run.err, run.err.find("--limit takes a number of entries") != std::string::npos);
    }

private:
    std::filesystem::path directory_;
    core::InProcessNetwork network_;
    std::unique_ptr<core::Node> relay_, terminal_;
    std::unique_ptr<core::AdminServer> server_;
    std::string socket_, share_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminStatusPagesTest);

}  // namespace relaysync::test
