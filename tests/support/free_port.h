#pragma once
// A TCP port on 127.0.0.1 that was free a moment ago, for a server a test starts: picked at
// random below the kernel's range for outgoing connections (ip_local_port_range), so that no
// other test's outgoing connection can take it before the server binds it (a port the kernel
// hands out for port 0 could be; seen as "Address already in use" under load).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

namespace relaysync::tests {

inline std::uint16_t freeLoopbackPort() {
    unsigned end = 32768;
    if (std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range"); range) range >> end;
    static std::mt19937 random(std::random_device{}());
    for (int tries = 0; tries < 1000; ++tries) {
        const auto port = static_cast<std::uint16_t>(std::uniform_int_distribution<unsigned>(10000, end - 1)(random));
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(port);
        const bool bound = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        if (fd >= 0) ::close(fd);
        if (bound) return port;
    }
    throw std::runtime_error("no free port on 127.0.0.1 below " + std::to_string(end));
}

}  // namespace relaysync::tests
