#include "cluster/wait.h"

#include <csignal>
#include <cstdio>
#include <thread>

#include "cluster/cluster_error.h"

namespace relaysync::cluster {

namespace {

volatile std::sig_atomic_t interrupted = 0;

extern "C" void onInterruptSignal(int) { interrupted = 1; }

}  // namespace

void requestInterrupt() noexcept { interrupted = 1; }
bool interruptRequested() noexcept { return interrupted != 0; }

void throwIfInterrupted() {
    if (interruptRequested()) throw ClusterError("interrupted");
}

void interruptOnSignals() {
    struct sigaction action {};
    action.sa_handler = onInterruptSignal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

std::string seconds(std::chrono::steady_clock::duration duration) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", std::chrono::duration<double>(duration).count());
    return text;
}

void waitUntil(const std::string& what, std::chrono::milliseconds bound, const std::function<std::string()>& condition,
               std::chrono::milliseconds poll) {
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + bound;
    std::string reason;
    for (;;) {
        throwIfInterrupted();
        try {
            reason = condition();
        } catch (const WaitAborted&) {
            throw;
        } catch (const std::exception& e) {
            reason = e.what();
        }
        if (reason.empty()) return;
        if (std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(poll);
    }
    throw ClusterError("timed out after " + seconds(std::chrono::steady_clock::now() - start) + " waiting until " +
                       what + ": " + reason);
}

}  // namespace relaysync::cluster
