// Loopback ports for the servers tests start: distinct within a process, never handed to two
// processes at once (the cause of "Address already in use" when suites ran side by side), and
// free to bind when handed out.
#include <cppunit/extensions/HelperMacros.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "ports/loopback_ports.h"

namespace relaysync::test {

namespace {

bool bindable(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return bound;
}

// Another process, started afresh, that reserves `count` ports and holds them until it is
// released (its standard input closes) or destroyed.
class OtherProcess {
public:
    explicit OtherProcess(std::size_t count) {
        int to_child[2], from_child[2];
        CPPUNIT_ASSERT(::pipe2(to_child, O_CLOEXEC) == 0 && ::pipe2(from_child, O_CLOEXEC) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
        posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
        const std::string program = RELAYSYNC_PORTS_CHILD, argument = std::to_string(count);
        char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>(argument.c_str()), nullptr};
        const int spawned = ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(to_child[0]);
        ::close(from_child[1]);
        input_ = to_child[1];
        CPPUNIT_ASSERT_EQUAL_MESSAGE("cannot start " + program, 0, spawned);
        FILE* output = ::fdopen(from_child[0], "r");
        for (unsigned port = 0; ports_.size() < count && std::fscanf(output, "%u", &port) == 1;)
            ports_.push_back(static_cast<std::uint16_t>(port));
        std::fclose(output);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("the other process did not reserve its ports", count, ports_.size());
    }
    ~OtherProcess() {
        ::close(input_);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    const std::vector<std::uint16_t>& ports() const { return ports_; }

private:
    pid_t pid_ = -1;
    int input_ = -1;
    std::vector<std::uint16_t> ports_;
};

}  // namespace

class LoopbackPortsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LoopbackPortsTest);
    CPPUNIT_TEST(portsAreDistinctAndFree);
    CPPUNIT_TEST(neverTheSamePortTwiceInOneProcess);
    CPPUNIT_TEST(anotherProcessNeverGetsAPortThisOneHolds);
    CPPUNIT_TEST(thisProcessNeverGetsAPortAnotherOneHolds);
    CPPUNIT_TEST_SUITE_END();

public:
    void portsAreDistinctAndFree() {
        const auto ports = ports::reserveLoopbackPorts(20);
        CPPUNIT_ASSERT_EQUAL(std::size_t{20}, std::set<std::uint16_t>(ports.begin(), ports.end()).size());
        for (const auto port : ports) {
            CPPUNIT_ASSERT(port >= 10000);
            CPPUNIT_ASSERT_MESSAGE("port " + std::to_string(port) + " is not free", bindable(port));
        }
    }

    void neverTheSamePortTwiceInOneProcess() {
        std::set<std::uint16_t> seen;
        for (int i = 0; i < 200; ++i)
            CPPUNIT_ASSERT_MESSAGE("handed out twice", seen.insert(ports::reserveLoopbackPort()).second);
    }

    // 300 ports held on each side, 600 picked at random on the other among about 22,000: a plain
    // probe bind (which held, unbound ports pass) would hand out some of the same ones almost
    // surely (about 8 expected). Checked both ways: the other process holds while this one picks,
    // and this one holds while the other picks.
    void anotherProcessNeverGetsAPortThisOneHolds() {
        const auto mine = ports::reserveLoopbackPorts(300);
        const std::set<std::uint16_t> held(mine.begin(), mine.end());
        const OtherProcess other(600);
        for (const auto port : other.ports())
            CPPUNIT_ASSERT_MESSAGE("port " + std::to_string(port) + " handed to two processes", !held.count(port));
    }

    void thisProcessNeverGetsAPortAnotherOneHolds() {
        const OtherProcess other(300);
        const std::set<std::uint16_t> held(other.ports().begin(), other.ports().end());
        for (const auto port : ports::reserveLoopbackPorts(600))
            CPPUNIT_ASSERT_MESSAGE("port " + std::to_string(port) + " handed to two processes", !held.count(port));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoopbackPortsTest);

}  // namespace relaysync::test
