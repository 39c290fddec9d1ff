#pragma once
// --daemon done so that start-up errors are still seen: the program goes on in a child process
// of its own session while the starting process waits until the child serves (then exits 0) or
// has ended (then exits with the child's code). Until it serves, the child keeps the starter's
// standard error, so "already running" or a bad profile appears where the command was typed.
//
// Poco's own --daemon forks before the options are even read and sends standard error to
// /dev/null at once, so every start-up error was lost and the start looked successful.

#include <optional>

namespace relaysync::core {

// Forks. Returns the exit code the starting process should end with, once the child is ready
// or gone; returns nothing in the child, which goes on to start the daemon. Call it before any
// thread is started. Throws std::system_error when it cannot fork.
std::optional<int> detachWhenReady();

// In a detached child: lets go of the terminal (standard streams to /dev/null), then tells the
// starting process that the daemon serves. Does nothing in a process that did not detach.
void announceReady();

}  // namespace relaysync::core
