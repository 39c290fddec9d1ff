#pragma once
// The benchmark's named peer: sipp -> Kamailio -> sipp, as relays do it. A sipp receiver
// REGISTERs (digest) over one TCP connection and answers the MESSAGEs that come back over it
// (sipp's out-of-call scenario); a sipp sender runs `concurrency` calls, each answering the 407
// challenge once and then sending its share of MESSAGEs one after the other, each waiting for
// its 200 — like a relay's send() reusing the server's challenge.

#include <chrono>
#include <cstddef>
#include <string>

namespace relaysync::bench {

struct SippAccounts {
    std::string sender_user, sender_password;      // accounts at the server's domain
    std::string receiver_user, receiver_password;
    std::string domain;
};

struct SippResult {
    std::size_t messages = 0;
    double seconds = 0;          // from starting the sender to its exit, all answered
    double client_cpu_seconds = 0;  // both sipp processes
    long client_switches = 0;       // context switches of both sipp processes
};

// Runs one measurement against the server at 127.0.0.1:server_port; writes scenarios and logs
// into `dir`. Throws (with sipp's errors) when a message is not answered 200.
SippResult runSipp(const std::string& dir, unsigned server_port, const SippAccounts& accounts,
                   const std::string& payload, std::size_t messages, std::size_t concurrency,
                   std::chrono::seconds timeout);

}  // namespace relaysync::bench
