#include "guess_limiter.h"

#include <algorithm>

namespace relaysync::transport_sip {

namespace {
constexpr std::size_t kMaxAddresses = 4096;
}  // namespace

bool GuessLimiter::barred(const std::string& address) {
    const auto found = tallies_.find(address);
    if (found == tallies_.end()) return false;
    if (Clock::now() - found->second.since >= window_) {
        tallies_.erase(found);
        return false;
    }
    return found->second.failures >= max_failures_;
}

void GuessLimiter::failed(const std::string& address) {
    const auto now = Clock::now();
    auto found = tallies_.find(address);
    if (found == tallies_.end() || now - found->second.since >= window_) {
        if (found == tallies_.end() && tallies_.size() >= kMaxAddresses) {
            const auto oldest = std::min_element(tallies_.begin(), tallies_.end(),
                                                 [](const auto& a, const auto& b) { return a.second.since < b.second.since; });
            tallies_.erase(oldest);
        }
        tallies_[address] = Tally{now, 0};
        found = tallies_.find(address);
    }
    ++found->second.failures;
}

}  // namespace relaysync::transport_sip
