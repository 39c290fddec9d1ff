#pragma once
// The warning a daemon logs when an admin connection hits a limit, at most one line per kind
// and second: a client that keeps hitting a limit cannot fill the log. A line says how many
// of its kind were not logged since the previous one.

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace relaysync::core {

class LimitLog {
public:
    // `kind` groups hits ("read timeout", "line limit"); `message` is the line for this hit.
    void hit(const std::string& kind, const std::string& message);

private:
    struct Kind {
        std::chrono::steady_clock::time_point last_logged{};
        std::size_t unlogged = 0;
    };
    std::mutex mutex_;
    std::map<std::string, Kind> kinds_;
};

}  // namespace relaysync::core
