#pragma once
// Why a connection ended, sorted by how loudly to log it, and the failures that say so.

#include <exception>
#include <stdexcept>
#include <string>

namespace relaysync::transport_direct {

struct CloseReason {
    enum class Kind {
        refused,      // a certificate, identity or protocol check failed (ours or the peer's)
        unreachable,  // a dial found nobody (refused, timed out, unknown host)
        lost,         // the peer or the network closed it, or it fell silent
        stopped,      // this node closed it (stop(), a limit, or a duplicate it does not need)
    };
    Kind kind = Kind::stopped;
    std::string text;
};

// A check failed on our side: certificate, identity, protocol. Logged as a refusal.
class Refusal : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Nobody answered at the dialed address.
class DialFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Sorts a failure thrown while connecting or reading: Refusal, FrameError and TlsError refuse,
// DialFailure is unreachable, anything else is lost.
CloseReason closeReasonOf(const std::exception_ptr& failure);

}  // namespace relaysync::transport_direct
