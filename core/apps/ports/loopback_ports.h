#pragma once
// TCP ports on 127.0.0.1 for the servers that tests, benchmarks and the demo start, each reserved
// for this process's lifetime against every other process that asks here.
//
// A port is picked at random below the kernel's range for outgoing connections
// (ip_local_port_range), so no outgoing connection can take it before its server binds it. A
// probe bind alone was not enough: two test processes running side by side could both find the
// same port free and both hand it to a daemon, and one daemon then failed with "Address already
// in use" (seen under the sanitizers, where a daemon takes seconds to start). So each port also
// takes an flock on /tmp/relaysync-ports/<port>, held until this process exits: the kernel
// releases it even after a crash, and no other caller here hands that port out meanwhile. The
// empty lock files stay behind: deleting one could let two processes lock two different files.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace relaysync::ports {

// `count` distinct ports, free now and reserved until this process exits. Throws
// std::runtime_error when none can be found.
std::vector<std::uint16_t> reserveLoopbackPorts(std::size_t count);

inline std::uint16_t reserveLoopbackPort() { return reserveLoopbackPorts(1).front(); }

}  // namespace relaysync::ports
