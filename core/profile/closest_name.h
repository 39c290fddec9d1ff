#pragma once
// The word a typo meant: for "did you mean ...?" in profile errors and on the command line.

#include <optional>
#include <string_view>
#include <vector>

namespace relaysync::core {

// Levenshtein distance between two words.
std::size_t editDistance(std::string_view a, std::string_view b);

// The name in `names` nearest to `typed`, when it is a near miss (at most 2 edits, and fewer
// edits than the name has letters); none otherwise.
std::optional<std::string_view> closestName(std::string_view typed, const std::vector<std::string_view>& names);

}  // namespace relaysync::core
