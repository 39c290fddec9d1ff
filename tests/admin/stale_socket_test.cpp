// The admin server takes over a socket file only when nobody listens on it any more: a second
// daemon must not steal a running one's socket, and a file that is not a socket stays.
#include <cppunit/extensions/HelperMacros.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "admin/admin_client.h"
#include "admin/admin_server.h"

namespace relaysync::test {

namespace fs = std::filesystem;

namespace {
core::AdminServer::Handler answering(const std::string& name) {
    return [name](const Poco::JSON::Object::Ptr&) {
        Poco::JSON::Object::Ptr answer = new Poco::JSON::Object;
        answer->set("name", name);
        return answer;
    };
}

std::string whoAnswers(const std::string& socket) {
    Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
    request->set("command", "ping");
    return core::askDaemon(socket, request)->getValue<std::string>("name");
}
}  // namespace

class StaleSocketTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StaleSocketTest);
    CPPUNIT_TEST(liveSocketIsNotTakenOver);
    CPPUNIT_TEST(socketNobodyListensOnIsReplaced);
    CPPUNIT_TEST(fileThatIsNotASocketIsLeftAlone);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        dir_ = fs::temp_directory_path() / ("relaysync-sock-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir_);
        socket_ = (dir_ / "node.sock").string();
    }
    void tearDown() override { fs::remove_all(dir_); }

    void liveSocketIsNotTakenOver() {
        core::AdminServer first(socket_, answering("first"));
        first.start();
        core::AdminServer second(socket_, answering("second"));
        try {
            second.start();
            CPPUNIT_FAIL("expected AlreadyRunning");
        } catch (const core::AlreadyRunning& e) {
            CPPUNIT_ASSERT_EQUAL("already running (pid " + std::to_string(::getpid()) + ") on admin socket " + socket_,
                                 std::string(e.what()));
        }
        second.stop();  // a server that never started leaves the socket alone
        CPPUNIT_ASSERT_EQUAL(std::string("first"), whoAnswers(socket_));
    }

    // What a daemon killed with SIGKILL leaves: the socket file, bound, with nobody listening.
    void socketNobodyListensOnIsReplaced() {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        socket_.copy(address.sun_path, sizeof address.sun_path - 1);
        CPPUNIT_ASSERT_EQUAL(0, ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address));
        ::close(fd);
        CPPUNIT_ASSERT(fs::is_socket(socket_));
        core::AdminServer server(socket_, answering("new"));
        server.start();
        CPPUNIT_ASSERT_EQUAL(std::string("new"), whoAnswers(socket_));
    }

    void fileThatIsNotASocketIsLeftAlone() {
        std::ofstream(socket_) << "precious";
        core::AdminServer server(socket_, answering("new"));
        try {
            server.start();
            CPPUNIT_FAIL("expected std::runtime_error");
        } catch (const std::runtime_error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("not a socket is there; not replacing it") != std::string::npos);
        }
        std::ifstream in(socket_);
        std::string text;
        in >> text;
        CPPUNIT_ASSERT_EQUAL(std::string("precious"), text);
    }

private:
    fs::path dir_;
    std::string socket_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(StaleSocketTest);

}  // namespace relaysync::test
