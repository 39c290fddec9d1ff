// Another process for LoopbackPortsTest: reserves the ports its argument asks for, prints them
// one per line, then waits for its standard input to close so that it holds them meanwhile.
#include <cstdio>
#include <exception>
#include <string>

#include "ports/loopback_ports.h"

int main(int argc, char** argv) try {
    if (argc != 2) return 2;
    for (const auto port : relaysync::ports::reserveLoopbackPorts(std::stoul(argv[1]))) std::printf("%u\n", port);
    std::fflush(stdout);
    while (std::getchar() != EOF) {
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
}
