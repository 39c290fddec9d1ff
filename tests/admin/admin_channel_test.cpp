// The daemons' admin channel: the Unix socket server, its permission checks, and the commands
// it runs on a node (a relay and a terminal over the in-process network).
#include <cppunit/extensions/HelperMacros.h>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>
#include <vector>

#include "admin/admin_client.h"
#include "admin/admin_commands.h"
#include "admin/admin_server.h"
#include "checker/timestamp_size_checker.h"
#include "memory_store.h"
#include "protocol/json_fields.h"
#include "runtime/in_process_network.h"

namespace relaysync::test {

using core::askDaemon;

namespace {
Poco::JSON::Object::Ptr request(const std::string& command, Poco::JSON::Object::Ptr args = new Poco::JSON::Object) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("command", command);
    object->set("args", args);
    return object;
}

Poco::JSON::Object::Ptr args(std::initializer_list<std::pair<const char*, std::string>> values) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    for (const auto& [key, value] : values) object->set(key, value);
    return object;
}
}  // namespace

class AdminChannelTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AdminChannelTest);
    CPPUNIT_TEST(socketIsOwnerOnly);
    CPPUNIT_TEST(pingNamesTheNode);
    CPPUNIT_TEST(badRequestsGetOneLineErrors);
    CPPUNIT_TEST(commandsDriveGroupsSharesAndSync);
    CPPUNIT_TEST(anotherUserIsRefused);
    CPPUNIT_TEST(unreachableDaemonIsAClearError);
    CPPUNIT_TEST(hungDaemonTimesOut);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        directory_ = std::filesystem::temp_directory_path() / ("relaysync-admin-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(directory_);
        core::Node::Parts relay_parts;
        relay_parts.database = std::make_unique<core::Database>("sqlite:" + (directory_ / "relay.db").string());
        relay_parts.transport = network_.transportFor("relay@net");
        relay_ = core::Node::relay(std::move(relay_parts), "relay@net", "Tokyo", core::RelayPolicy{{}, {"pc@relay.net"}});
        core::Node::Parts parts;
        parts.database = std::make_unique<core::Database>("sqlite:" + (directory_ / "pc.db").string());
        parts.transport = network_.transportFor("pc@relay.net");
        parts.stores = std::make_unique<core::StoreRouter>();
        store_ = std::make_shared<MemoryStore>();
        store_->putFile("folderA/a.txt", 10, 1000);
        parts.stores->add("c:", store_);
        parts.checker = std::make_shared<core::TimestampSizeChecker>();
        terminal_ = core::Node::terminal(std::move(parts), "pc@relay.net", "relay@net", {});
        relay_->start();
        terminal_->start();
        relay_socket_ = (directory_ / "relay.sock").string();
        terminal_socket_ = (directory_ / "pc.sock").string();
        relay_server_ = std::make_unique<core::AdminServer>(relay_socket_, [this](const auto& r) {
            auto answer = core::runAdminCommand(*relay_, r);
            return answer;
        });
        terminal_server_ = std::make_unique<core::AdminServer>(
            terminal_socket_, [this](const auto& r) { return core::runAdminCommand(*terminal_, r); });
        relay_server_->start();
        terminal_server_->start();
    }

    void tearDown() override {
        relay_server_.reset();
        terminal_server_.reset();
        terminal_.reset();
        relay_.reset();
        std::filesystem::remove_all(directory_);
    }

    void socketIsOwnerOnly() {
        struct stat info {};
        CPPUNIT_ASSERT_EQUAL(0, ::stat(relay_socket_.c_str(), &info));
        CPPUNIT_ASSERT(S_ISSOCK(info.st_mode));
        CPPUNIT_ASSERT_EQUAL(0, static_cast<int>(info.st_mode & 0077));
    }

    void pingNamesTheNode() {
        const auto answer = askDaemon(relay_socket_, request("ping"));
        CPPUNIT_ASSERT(answer->getValue<bool>("ok"));
        CPPUNIT_ASSERT_EQUAL(std::string("relay@net"), answer->getValue<std::string>("account"));
        CPPUNIT_ASSERT_EQUAL(std::string("relay"), answer->getValue<std::string>("role"));
    }

    void badRequestsGetOneLineErrors() {
        auto answer = askDaemon(relay_socket_, request("frobnicate"));
        CPPUNIT_ASSERT(!answer->getValue<bool>("ok"));
        CPPUNIT_ASSERT(answer->getValue<std::string>("error").find("unknown command 'frobnicate'") != std::string::npos);
        answer = askDaemon(relay_socket_, request("add-group", args({{"relay", "r2@net"}})));
        CPPUNIT_ASSERT(answer->getValue<std::string>("error").find("args.group") != std::string::npos);
        answer = askDaemon(relay_socket_, request("create-share", args({{"group", "g"}, {"name", "n"}})));
        CPPUNIT_ASSERT(answer->getValue<std::string>("error").find("is a relay, not a terminal") != std::string::npos);
        answer = askDaemon(relay_socket_, request("sync-status", args({{"sync_id", "nope"}})));
        CPPUNIT_ASSERT(answer->getValue<std::string>("error").find("no synchronize nope") != std::string::npos);
    }

    void commandsDriveGroupsSharesAndSync() {
        auto answer = askDaemon(relay_socket_, request("create-group"));
        const auto group = answer->getValue<std::string>("group_id");
        CPPUNIT_ASSERT_EQUAL(std::string("0001@relay"), group);
        answer = askDaemon(relay_socket_, request("add-terminal", args({{"group", group}, {"terminal", "pc@relay.net"},
                                                                         {"display_name", "PC"}, {"department", "Sales"}})));
        CPPUNIT_ASSERT(answer->getValue<bool>("ok"));
        network_.run();
        answer = askDaemon(terminal_socket_, request("create-share", args({{"group", group}, {"name", "ws"}})));
        const auto share = answer->getValue<std::string>("share_id");
        network_.run();
        answer = askDaemon(terminal_socket_,
                           request("add-resource", args({{"share", share}, {"name", "folderA"}, {"location", "c:/folderA"}})));
        CPPUNIT_ASSERT_MESSAGE(core::json::optionalString(answer, "error"), answer->getValue<bool>("ok"));
        network_.run();
        // The same name from elsewhere: refused unless --replace; the same name and place again is fine.
        store_->putFile("other/a.txt", 3, 1000);
        answer = askDaemon(terminal_socket_,
                           request("add-resource", args({{"share", share}, {"name", "folderA"}, {"location", "c:/other"}})));
        CPPUNIT_ASSERT(!answer->getValue<bool>("ok"));
        CPPUNIT_ASSERT_MESSAGE(core::json::optionalString(answer, "error"),
                               core::json::optionalString(answer, "error").find("is already shared from c:/folderA; add "
                                                                               "--replace") != std::string::npos);
        answer = askDaemon(terminal_socket_,
                           request("add-resource", args({{"share", share}, {"name", "folderA"}, {"location", "c:/folderA"}})));
        CPPUNIT_ASSERT_MESSAGE(core::json::optionalString(answer, "error"), answer->getValue<bool>("ok"));
        Poco::JSON::Object::Ptr replacing = args({{"share", share}, {"name", "spare"}, {"location", "c:/other"}});
        CPPUNIT_ASSERT(askDaemon(terminal_socket_, request("add-resource", replacing))->getValue<bool>("ok"));
        replacing->set("location", "c:/folderA/a.txt");
        replacing->set("replace", true);
        answer = askDaemon(terminal_socket_, request("add-resource", replacing));
        CPPUNIT_ASSERT_MESSAGE(core::json::optionalString(answer, "error"), answer->getValue<bool>("ok"));
        network_.run();

        store_->putFile("folderA/b.txt", 5, 2000);
        answer = askDaemon(terminal_socket_, request("sync", args({{"share", share}})));
        const auto sync_id = answer->getValue<std::string>("sync_id");
        network_.run();
        answer = askDaemon(terminal_socket_, request("sync-status", args({{"sync_id", sync_id}})));
        CPPUNIT_ASSERT(answer->getValue<bool>("finished"));
        const auto report = answer->getObject("report");
        CPPUNIT_ASSERT_EQUAL(1, report->getValue<int>("changed"));
        CPPUNIT_ASSERT(report->getValue<std::string>("text").find("CHANGED") != std::string::npos);

        answer = askDaemon(relay_socket_, request("status"));
        const auto shares = answer->getArray("shares");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), shares->size());
        const auto entry = shares->getObject(0)->getArray("entries")->getObject(0);
        CPPUNIT_ASSERT_EQUAL(std::string("folderA"), entry->getValue<std::string>("name"));
        CPPUNIT_ASSERT_EQUAL(15, entry->getValue<int>("size"));
        CPPUNIT_ASSERT(answer->getValue<std::string>("text").find("folderA") != std::string::npos);
        // What it cost: the relay took one synchronize-instruction and answered it.
        const auto traffic = answer->getObject("traffic");
        CPPUNIT_ASSERT_EQUAL(1, traffic->getObject("synchronize-instruction")->getValue<int>("received"));
        CPPUNIT_ASSERT_EQUAL(1, traffic->getObject("synchronize-result")->getValue<int>("sent"));
        const auto queues = answer->getObject("queues");
        CPPUNIT_ASSERT_EQUAL(0, queues->getValue<int>("outbox"));  // the in-process network took all
        CPPUNIT_ASSERT_EQUAL(0, queues->getValue<int>("dead_letters"));
        CPPUNIT_ASSERT_EQUAL(0, queues->getValue<int>("deferred"));

        // Many at once: a folder's children each as a resource, and NAME LOCATION pairs.
        answer = askDaemon(terminal_socket_, request("add-children", args({{"share", share}, {"folder", "c:/folderA"}})));
        CPPUNIT_ASSERT_MESSAGE(core::json::optionalString(answer, "error"), answer->getValue<bool>("ok"));
        CPPUNIT_ASSERT_EQUAL(std::string("2"), answer->getValue<std::string>("added"));
        Poco::JSON::Object::Ptr pairs = new Poco::JSON::Object;
        pairs->set("share", share);
        pairs->set("pairs", core::json::toArray({"odd"}));
        answer = askDaemon(terminal_socket_, request("add-resources", pairs));
        CPPUNIT_ASSERT(core::json::optionalString(answer, "error").find("NAME LOCATION pairs") != std::string::npos);
        // A name already shared from elsewhere: the whole command is refused, unless --replace.
        pairs->set("pairs", core::json::toArray({"a.txt", "c:/folderA"}));
        answer = askDaemon(terminal_socket_, request("add-resources", pairs));
        CPPUNIT_ASSERT(!answer->getValue<bool>("ok"));
        CPPUNIT_ASSERT_MESSAGE(core::json::optionalString(answer, "error"),
                               core::json::optionalString(answer, "error").find("already shared from") != std::string::npos);
        pairs->set("replace", true);
        answer = askDaemon(terminal_socket_, request("add-resources", pairs));
        CPPUNIT_ASSERT_MESSAGE(core::json::optionalString(answer, "error"), answer->getValue<bool>("ok"));
        for (const char* child : {"a.txt", "b.txt"})
            CPPUNIT_ASSERT(askDaemon(terminal_socket_, request("remove-resource", args({{"share", share}, {"name", child}})))
                               ->getValue<bool>("ok"));
        network_.run();
        CPPUNIT_ASSERT(askDaemon(terminal_socket_, request("remove-resource", args({{"share", share}, {"name", "spare"}})))
                           ->getValue<bool>("ok"));
        // Undo: the owner stops sharing folderA, then the creator deletes the share.
        answer = askDaemon(terminal_socket_, request("remove-resource", args({{"share", share}, {"name", "folderA"}})));
        CPPUNIT_ASSERT_MESSAGE(core::json::optionalString(answer, "error"), answer->getValue<bool>("ok"));
        network_.run();
        answer = askDaemon(relay_socket_, request("status"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), answer->getArray("shares")->getObject(0)->getArray("entries")->size());
        answer = askDaemon(terminal_socket_, request("remove-resource", args({{"share", share}, {"name", "folderA"}})));
        CPPUNIT_ASSERT(!answer->getValue<bool>("ok"));  // nothing left to remove
        answer = askDaemon(terminal_socket_, request("delete-share", args({{"share", share}})));
        CPPUNIT_ASSERT_MESSAGE(core::json::optionalString(answer, "error"), answer->getValue<bool>("ok"));
        network_.run();
        answer = askDaemon(relay_socket_, request("status"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), answer->getArray("shares")->size());

    }

    // Tests run as root here; a child that becomes "nobody" plays another local user.
    // The child runs the real command line as nobody: between fork and exec a child of this
    // multi-threaded process may only make async-signal-safe calls (a lock another thread held
    // at the fork, in malloc or a logger, would hang it: seen under ASan).
    void anotherUserIsRefused() {
        if (::geteuid() != 0) return;  // nobody else to be: the file mode alone keeps others out
        const passwd* nobody = ::getpwnam("nobody");
        CPPUNIT_ASSERT(nobody != nullptr);
        ::chmod(relay_socket_.c_str(), 0666);  // so that only the credential check stands in the way
        const uid_t uid = nobody->pw_uid;
        const gid_t gid = nobody->pw_gid;
        const std::string program = RELAYSYNC_ADMIN_CLI;
        const std::string error_file = (directory_ / "nobody.err").string();
        std::vector<char*> argv;
        for (const char* each : {"relaysync-admin", "--socket", relay_socket_.c_str(), "create-group"})
            argv.push_back(const_cast<char*>(each));
        argv.push_back(nullptr);
        const int error_fd = ::open(error_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
        CPPUNIT_ASSERT(error_fd >= 0);
        const pid_t child = ::fork();
        if (child == 0) {
            if (::dup2(error_fd, 2) < 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(125);
            ::execv(program.c_str(), argv.data());
            ::_exit(126);
        }
        ::close(error_fd);
        int status = 0;
        ::waitpid(child, &status, 0);
        std::ifstream in(error_file);
        const std::string said((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CPPUNIT_ASSERT(WIFEXITED(status));
        CPPUNIT_ASSERT_MESSAGE(said, WEXITSTATUS(status) != 0 && WEXITSTATUS(status) < 125);
        CPPUNIT_ASSERT_MESSAGE(said, said.find("permission denied") != std::string::npos);
        const auto groups = relay_->withEngine([](core::EngineBase& e) { return e.groups().groupIds(); });
        CPPUNIT_ASSERT(groups.empty());
    }

    void hungDaemonTimesOut() {
        const auto path = (directory_ / "slow.sock").string();
        core::AdminServer slow(path, [](const Poco::JSON::Object::Ptr&) {
            std::this_thread::sleep_for(std::chrono::seconds(3));
            return Poco::JSON::Object::Ptr(new Poco::JSON::Object);
        });
        slow.start();
        const auto start = std::chrono::steady_clock::now();
        try {
            askDaemon(path, request("ping"), Poco::Timespan(1, 0));
            CPPUNIT_FAIL("expected AdminConnectionError");
        } catch (const core::AdminConnectionError& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("did not answer within 1 s") != std::string::npos);
        }
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2500));
    }

    void unreachableDaemonIsAClearError() {
        try {
            askDaemon((directory_ / "nobody-here.sock").string(), request("ping"));
        } catch (const core::AdminConnectionError& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("cannot reach the daemon at") != std::string::npos);
            return;
        }
        CPPUNIT_FAIL("expected AdminConnectionError");
    }

private:
    std::filesystem::path directory_;
    core::InProcessNetwork network_;
    std::shared_ptr<MemoryStore> store_;
    std::unique_ptr<core::Node> relay_, terminal_;
    std::string relay_socket_, terminal_socket_;
    std::unique_ptr<core::AdminServer> relay_server_, terminal_server_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AdminChannelTest);

}  // namespace relaysync::test
