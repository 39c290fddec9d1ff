#pragma once

#include <stdexcept>

namespace relaysync::cluster {

// Anything that went wrong while running nodes: a program that would not start or answer, a
// wait that passed its bound, a command the daemon refused. The message is one line.
class ClusterError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A command that reached the daemon and was refused by it ("ok": false); what() is its reason.
class CommandRefused : public ClusterError {
public:
    using ClusterError::ClusterError;
};

// Thrown by a waitUntil condition to end the wait at once: waiting longer cannot help (the
// process being waited for has exited).
class WaitAborted : public ClusterError {
public:
    using ClusterError::ClusterError;
};

}  // namespace relaysync::cluster
