#pragma once
// OpenSSL reports why something failed through its thread-local error queue; the transports
// turn it into one line for their errors and logs.

#include <string>

namespace relaysync::plugin_common {

// The reasons on this thread's OpenSSL error queue, "; "-separated, emptying it; "no detail
// from OpenSSL" when it is empty.
std::string opensslErrorQueue();

}  // namespace relaysync::plugin_common
