#include "log_limiter.h"

#include "log_text.h"

namespace relaysync::plugin_common {

namespace {

// Beyond this many sources in one window (a flood from many addresses), the newcomers share one
// tally: the table stays small, and the log gets at most 257 x warnings_per_source lines per
// window however many addresses an attacker has.
constexpr std::size_t kMaxSources = 256;
const std::string kOtherSources = "(other sources)";

}  // namespace

LogLimiter::LogLimiter(Poco::Logger& log, std::size_t per_source, std::chrono::milliseconds window)
    : log_(log), per_source_(per_source), window_(window) {}

void LogLimiter::log(const std::string& source, Poco::Message::Priority priority, const std::string& text) {
    if (log_.getLevel() < priority) return;  // not logged anyway: do not count it
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    std::string key = loggable(source);
    auto found = tallies_.find(key);
    if (found == tallies_.end() && tallies_.size() >= kMaxSources) {
        closeWindowsLocked(now);
        if (tallies_.size() >= kMaxSources) key = kOtherSources;
        found = tallies_.find(key);
    }
    if (found == tallies_.end()) found = tallies_.emplace(key, Tally{now}).first;
    Tally& tally = found->second;
    if (now - tally.window_start >= window_) {
        summarizeLocked(key, tally);
        tally = Tally{now};
    }
    if (tally.logged < per_source_) {
        ++tally.logged;
        log_.log(Poco::Message(log_.name(), text, priority));
        return;
    }
    ++tally.left_out;
    if (priority < tally.worst) tally.worst = priority;
}

void LogLimiter::flush() {
    std::lock_guard lock(mutex_);
    closeWindowsLocked(Clock::now());
}

void LogLimiter::closeWindowsLocked(Clock::time_point now) {
    for (auto it = tallies_.begin(); it != tallies_.end();) {
        if (now - it->second.window_start < window_) {
            ++it;
            continue;
        }
        summarizeLocked(it->first, it->second);
        it = tallies_.erase(it);
    }
}

void LogLimiter::summarizeLocked(const std::string& source, const Tally& tally) {
    if (tally.left_out == 0) return;
    log_.log(Poco::Message(log_.name(),
                           "left out " + std::to_string(tally.left_out) + " more line(s) about " + source +
                               " within " + std::to_string(window_.count()) +
                               " ms (warnings_per_source: " + std::to_string(per_source_) + ")",
                           tally.worst));
}

}  // namespace relaysync::plugin_common
