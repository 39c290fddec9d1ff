#pragma once
// What every call into a store or a checker carries: its deadline. A plugin returns
// `unreachable` ("timed out ...") once the deadline has passed rather than keep the caller
// waiting, and passes what is left of it to whatever it waits on (a socket, a server).
// Fields are only ever appended (see docs/sdk-abi.md), so a plugin built against an older
// minor version reads the ones it knows.

#include <chrono>
#include <cstdint>

namespace relaysync::sdk {

using Clock = std::chrono::steady_clock;

struct CallContext {
    Clock::time_point deadline = Clock::time_point::max();

    // A context whose deadline is `budget` from now.
    static CallContext within(std::chrono::milliseconds budget) { return CallContext{Clock::now() + budget}; }
    // No deadline: for tests and tools that may wait as long as it takes.
    static CallContext unbounded() { return CallContext{}; }

    bool expired() const { return Clock::now() >= deadline; }
    // Milliseconds left, 0 once expired; INT64_MAX without a deadline. For timeouts of
    // blocking calls (poll, a library's own timeout setting).
    std::int64_t remainingMs() const {
        if (deadline == Clock::time_point::max()) return INT64_MAX;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        return left > 0 ? left : 0;
    }
};

}  // namespace relaysync::sdk
