#include "profile/secret_keys.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace relaysync::core {
namespace {

constexpr std::array<std::string_view, 4> kSecretWords = {"password", "secret", "passphrase",
                                                          "key"};

std::string lowercase(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

// The key names in a path such as "stores[0].config.private_key": list indexes dropped.
bool anySegment(std::string_view path, auto predicate) {
    while (!path.empty()) {
        const auto dot = path.find('.');
        std::string_view segment = path.substr(0, dot);
        segment = segment.substr(0, segment.find('['));
        if (predicate(segment)) return true;
        if (dot == std::string_view::npos) break;
        path.remove_prefix(dot + 1);
    }
    return false;
}

}  // namespace

bool isSecretKeyPath(std::string_view key_path) {
    return anySegment(key_path, [](std::string_view segment) {
        const std::string name = lowercase(segment);
        if (name == "database") return true;
        return std::any_of(kSecretWords.begin(), kSecretWords.end(), [&](std::string_view word) {
            return name.find(word) != std::string::npos;
        });
    });
}

std::string quoteValue(std::string_view key_path, std::string_view value) {
    if (isSecretKeyPath(key_path)) return "<redacted>";
    std::string quoted(1, '\'');
    quoted += value;
    quoted += '\'';
    return quoted;
}

}  // namespace relaysync::core
