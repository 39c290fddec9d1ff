#pragma once
// Password guessing at the site registrar: wrong answers to the digest challenge are counted
// per IP address over a window; an address that reaches the bound is refused outright until its
// window is over. At most 4096 addresses are tracked; beyond, an address whose window is over or
// that is not barred is forgotten, never a barred one, and when all are barred the newcomers
// share one tally: more addresses never buy more guesses.

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

namespace relaysync::transport_sip {

class GuessLimiter {
public:
    GuessLimiter(std::size_t max_failures, std::chrono::milliseconds window)
        : max_failures_(max_failures), window_(window) {}

    bool barred(const std::string& address);
    void failed(const std::string& address);

private:
    using Clock = std::chrono::steady_clock;
    struct Tally {
        Clock::time_point since;
        std::size_t failures = 0;
    };
    const std::size_t max_failures_;
    const std::chrono::milliseconds window_;
    std::map<std::string, Tally> tallies_;  // one thread only (the registrar's)
};

}  // namespace relaysync::transport_sip
