// Loopback ports for the servers tests start: distinct within a process, never handed to two
// processes at once (the cause of "Address already in use" when suites ran side by side), and
// free to bind when handed out.
#include <cppunit/extensions/HelperMacros.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

// What another process reserves while this one holds its ports: run in a child (fork, so it
// inherits nothing but open descriptors, which hold no lock of their own after a new open).
std::vector<std::uint16_t> reservedByAnotherProcess(std::size_t count) {
    int pipe_fds[2];
    CPPUNIT_ASSERT(::pipe(pipe_fds) == 0);
    const pid_t child = ::fork();
    CPPUNIT_ASSERT(child >= 0);
    if (child == 0) {
        ::close(pipe_fds[0]);
        const auto ports = ports::reserveLoopbackPorts(count);
        const auto bytes = ports.size() * sizeof(std::uint16_t);
        _exit(::write(pipe_fds[1], ports.data(), bytes) == static_cast<ssize_t>(bytes) ? 0 : 1);
    }
    ::close(pipe_fds[1]);
    std::vector<std::uint16_t> ports(count);
    std::size_t got = 0;
    auto* bytes = reinterpret_cast<char*>(ports.data());
    for (ssize_t n; got < count * sizeof(std::uint16_t) &&
                    (n = ::read(pipe_fds[0], bytes + got, count * sizeof(std::uint16_t) - got)) > 0;)
        got += static_cast<std::size_t>(n);
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    CPPUNIT_ASSERT_MESSAGE("the child could not reserve its ports", WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CPPUNIT_ASSERT_EQUAL(count * sizeof(std::uint16_t), got);
    return ports;
}

}  // namespace

class LoopbackPortsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LoopbackPortsTest);
    CPPUNIT_TEST(portsAreDistinctAndFree);
    CPPUNIT_TEST(neverTheSamePortTwiceInOneProcess);
    CPPUNIT_TEST(anotherProcessNeverGetsAPortThisOneHolds);
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

    // With 200 ports held here and 2000 picked at random elsewhere, a plain probe bind (which
    // these held, unbound ports pass) would hand the other process some of them almost surely.
    void anotherProcessNeverGetsAPortThisOneHolds() {
        const auto mine = ports::reserveLoopbackPorts(200);
        const std::set<std::uint16_t> held(mine.begin(), mine.end());
        const auto theirs = reservedByAnotherProcess(2000);
        for (const auto port : theirs)
            CPPUNIT_ASSERT_MESSAGE("port " + std::to_string(port) + " handed to two processes", !held.count(port));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoopbackPortsTest);

}  // namespace relaysync::test
