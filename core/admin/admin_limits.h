#pragma once
// What one admin connection may cost the daemon, so that a few idle, slow or greedy local
// clients cannot keep the operator out (docs/admin.md, "Limits of the admin channel").

#include <chrono>
#include <cstddef>
#include <string>

namespace relaysync::core {

struct AdminLimits {
    // A connection has this long to send one complete request line, counted from when it was
    // accepted or from its previous reply; trickling bytes does not extend it.
    std::chrono::milliseconds read_timeout{10'000};
    // The longest request line, not counting its newline.
    std::size_t max_request_bytes = 1024 * 1024;
    // Connections open at once. At the limit, a new one makes the connection that has waited
    // longest without a complete request close; when every connection is running a command,
    // the new one is refused.
    std::size_t max_connections = 32;
    // Commands run at the same time (a long one does not hold up the others while one is free).
    std::size_t workers = 4;
    // How long a reply may take to hand over to a client that does not read it.
    std::chrono::milliseconds write_timeout{10'000};
};

// "10 s", "0.5 s", "1.2 s" (to a tenth of a second), "40 ms" below 0.1 s: a duration for messages.
std::string describeSeconds(std::chrono::milliseconds duration);

}  // namespace relaysync::core
