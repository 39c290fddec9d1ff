#include "profile/closest_name.h"

#include <algorithm>

namespace relaysync::core {

std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::optional<std::string_view> closestName(std::string_view typed, const std::vector<std::string_view>& names) {
    std::optional<std::string_view> best;
    std::size_t best_distance = 3;  // suggest only near misses
    for (const std::string_view name : names) {
        const std::size_t distance = editDistance(typed, name);
        if (distance < best_distance && distance < name.size()) {
            best = name;
            best_distance = distance;
        }
    }
    return best;
}

}  // namespace relaysync::core
