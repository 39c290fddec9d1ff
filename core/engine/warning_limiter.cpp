#include "engine/warning_limiter.h"

#include <algorithm>

namespace relaysync::core {

bool WarningLimiter::allow(const std::string& source, std::int64_t now_ms, std::size_t& left_out) {
    left_out = 0;
    auto found = windows_.find(source);
    if (found == windows_.end()) {
        if (windows_.size() >= kMaxSources) {
            const auto oldest = std::min_element(windows_.begin(), windows_.end(), [](const auto& a, const auto& b) {
                return a.second.start_ms < b.second.start_ms;
            });
            windows_.erase(oldest);
        }
        found = windows_.emplace(source, Window{now_ms, 0, 0}).first;
    }
    auto& window = found->second;
    if (now_ms - window.start_ms >= window_ms_) {
        left_out = window.left_out;
        window = {now_ms, 0, 0};
    }
    if (window.logged >= per_window_) {
        ++window.left_out;
        return false;
    }
    ++window.logged;
    return true;
}

}  // namespace relaysync::core
