#pragma once
// Repeated warnings about one sender are rate-limited: a peer that sends garbage in a loop must
// not fill the disk with log lines, yet the operator still learns how much was left out.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace relaysync::core {

class WarningLimiter {
public:
    explicit WarningLimiter(std::size_t per_window = 20, std::int64_t window_ms = 60'000)
        : per_window_(per_window), window_ms_(window_ms) {}

    // Whether a warning about `source` is to be logged now. When a window closes with lines
    // left out, `left_out` says how many (to be said with the next line logged).
    bool allow(const std::string& source, std::int64_t now_ms, std::size_t& left_out);

    // Sources tracked at once; beyond, the oldest windows are forgotten (their counts are lost,
    // never the warnings' bound: a new window starts from zero logged lines).
    static constexpr std::size_t kMaxSources = 256;

private:
    struct Window {
        std::int64_t start_ms = 0;
        std::size_t logged = 0;
        std::size_t left_out = 0;
    };
    std::size_t per_window_;
    std::int64_t window_ms_;
    std::map<std::string, Window> windows_;
};

}  // namespace relaysync::core
