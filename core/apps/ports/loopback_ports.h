#pragma once
// TCP ports on 127.0.0.1 for the servers that tests, benchmarks and the demo start, each reserved
// for this process's lifetime against every other process that asks here.
//
// A port is picked at random below the kernel's range for outgoing connections
// (ip_local_port_range), so no outgoing connection can take it before its server binds it. A
// probe bind alone was not enough: two test processes running side by side could both find the
// same port free and both hand it to a daemon, and one daemon then failed with "Address already
// in use" (seen under the sanitizers, where a daemon takes seconds to start). So each port is
// also locked: byte <port> of /tmp/relaysync-ports.lock, with an open-file-description lock
// (fcntl F_OFD_SETLK) held until this process exits. The kernel drops it even after a crash;
// one descriptor holds all of a process's locks, whatever the count; the file is opened without
// following links, and when another user's file is in its place that will not let this user
// write, this user's own /tmp/relaysync-ports-<uid>.lock is used instead.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace relaysync::ports {

// `count` distinct ports, free now and reserved until this process exits. Throws
// std::runtime_error when none can be found.
std::vector<std::uint16_t> reserveLoopbackPorts(std::size_t count);

inline std::uint16_t reserveLoopbackPort() { return reserveLoopbackPorts(1).front(); }

}  // namespace relaysync::ports
