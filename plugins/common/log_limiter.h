#pragma once
// Keeps what remote parties can make the transport log to a trickle (warnings_per_source per
// warnings_window_ms): at most that many lines about one source, an address or an account, per
// window; the rest are counted, and once the window is over one line says how many were left
// out. Past 256 sources in a window, the others share one count. Thread-safe.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include <Poco/Logger.h>
#include <Poco/Message.h>

namespace relaysync::plugin_common {

class LogLimiter {
public:
    LogLimiter(Poco::Logger& log, std::size_t per_source, std::chrono::milliseconds window);

    // Logs `text` unless `source` has had its lines for this window; then only counts it.
    void log(const std::string& source, Poco::Message::Priority priority, const std::string& text);
    void warning(const std::string& source, const std::string& text) { log(source, Poco::Message::PRIO_WARNING, text); }
    void information(const std::string& source, const std::string& text) {
        log(source, Poco::Message::PRIO_INFORMATION, text);
    }
    // Sums up the windows that are over, and forgets them. Called now and then (the supervisor).
    void flush();

private:
    using Clock = std::chrono::steady_clock;
    struct Tally {
        Clock::time_point window_start;
        std::size_t logged = 0;
        std::size_t left_out = 0;
        Poco::Message::Priority worst = Poco::Message::PRIO_TRACE;  // of the lines left out
    };
    // Forgets sources whose window is over, summing up each.
    void closeWindowsLocked(Clock::time_point now);
    void summarizeLocked(const std::string& source, const Tally& tally);

    Poco::Logger& log_;
    const std::size_t per_source_;
    const std::chrono::milliseconds window_;
    std::mutex mutex_;
    std::map<std::string, Tally> tallies_;
};

}  // namespace relaysync::plugin_common
