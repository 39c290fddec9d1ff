#pragma once
// Waiting for something that happens elsewhere (in another process), always with a bound.

#include <chrono>
#include <functional>
#include <string>

namespace relaysync::cluster {

// Asks `condition` every `poll` until it returns an empty string, for at most `bound`. The
// condition returns why it is not met yet ("client22 shows budget.xls with 26 bytes"); a
// condition that throws std::exception counts as not met, with the exception's text as reason,
// except WaitAborted, which ends the wait at once (rethrown as is).
// On timeout throws ClusterError: "timed out after 30 s waiting until <what>: <last reason>".
// Also throws ClusterError when an interrupt was requested (see requestInterrupt).
void waitUntil(const std::string& what, std::chrono::milliseconds bound, const std::function<std::string()>& condition,
               std::chrono::milliseconds poll = std::chrono::milliseconds(100));

// Makes every wait give up at once (throws "interrupted"). Async-signal-safe: for a SIGINT or
// SIGTERM handler of a program that runs a cluster, so that it stops its nodes before exiting.
void requestInterrupt() noexcept;
bool interruptRequested() noexcept;
// Throws ClusterError("interrupted") when an interrupt was requested.
void throwIfInterrupted();
// Installs handlers for SIGINT and SIGTERM that call requestInterrupt.
void interruptOnSignals();

// "1.2 s"
std::string seconds(std::chrono::steady_clock::duration duration);

}  // namespace relaysync::cluster
