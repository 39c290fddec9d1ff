#pragma once
// Minimum, median and maximum of a list of durations, for the summary.

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace relaysync::soak {

// "n=12  min 0.31 s  median 0.80 s  max 4.12 s", or "none" when empty.
inline std::string spread(std::vector<double> seconds) {
    if (seconds.empty()) return "none";
    std::sort(seconds.begin(), seconds.end());
    const auto n = seconds.size();
    const double median = n % 2 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
    char text[128];
    std::snprintf(text, sizeof text, "n=%zu  min %.2f s  median %.2f s  max %.2f s", n, seconds.front(), median,
                  seconds.back());
    return text;
}

}  // namespace relaysync::soak
