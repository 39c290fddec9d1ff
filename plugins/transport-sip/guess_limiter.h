#pragma once
// Password guessing at the site registrar: wrong answers to the digest challenge are counted
// per IP address over a window; an address that reaches the bound is refused outright until its
// window is over. At most 4096 addresses are tracked; beyond, the oldest are forgotten (a
// guesser with that many addresses still gets only `max_failures` tries from each per window).

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
