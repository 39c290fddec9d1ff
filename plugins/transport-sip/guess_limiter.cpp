#include "guess_limiter.h"

#include <algorithm>

namespace relaysync::transport_sip {

namespace {
constexpr std::size_t kMaxAddresses = 4096;
const std::string kOthers = "(other addresses)";
}  // namespace

bool GuessLimiter::barred(const std::string& address) {
    auto found = tallies_.find(address);
    if (found == tallies_.end() && tallies_.size() >= kMaxAddresses) found = tallies_.find(kOthers);
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
        if (found == tallies_.end() && tallies_.size() >= kMaxAddresses && address != kOthers) {
            // Forget a window that is over, else the oldest address not barred; never a barred
            // one (forgetting it would hand it its guesses back). All barred: newcomers share one
            // tally, so more addresses never mean more guesses.
            auto victim = tallies_.end();
            for (auto it = tallies_.begin(); it != tallies_.end(); ++it) {
                if (it->first == kOthers) continue;
                if (now - it->second.since >= window_) {
                    victim = it;
                    break;
                }
                if (it->second.failures < max_failures_ && (victim == tallies_.end() || it->second.since < victim->second.since))
                    victim = it;
            }
            if (victim == tallies_.end()) {
                failed(kOthers);
                return;
            }
            tallies_.erase(victim);
        }
        tallies_[address] = Tally{now, 0};
        found = tallies_.find(address);
    }
    ++found->second.failures;
}

}  // namespace relaysync::transport_sip
