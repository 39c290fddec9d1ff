// SipTransport's prober: OPTIONS through the server to every other account of relay_accounts,
// at once after each registration and then every probe_interval_ms. The server answers 404 for
// an account that is not registered (config/kamailio), so a relay learns who is there before
// it has anything to send; statusOf turns the answer into reachability.

#include "sip_transport.h"

namespace relaysync::transport_sip {

void SipTransport::probeLoop() {
    std::uint64_t probed_registration = 0;
    auto next_round = std::chrono::steady_clock::now();
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            changed_.wait_until(lock, next_round, [&] { return stopping_ || (registered_ && registrations_ != probed_registration); });
            if (stopping_) return;
            if (!registered_) {
                next_round = std::chrono::steady_clock::now() + config_.probe_interval;
                continue;
            }
            probed_registration = registrations_;
        }
        for (const auto& account : config_.relay_accounts) {
            if (account == own_account_) continue;
            static_cast<void>(requestThroughServer("OPTIONS", account, {}));  // statusOf recorded the answer
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        next_round = std::chrono::steady_clock::now() + config_.probe_interval;
    }
}

}  // namespace relaysync::transport_sip
