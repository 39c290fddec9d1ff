#include "profile/env_expansion.h"

#include <cctype>
#include <cstdlib>

namespace relaysync::core {
namespace {

bool isValidName(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
    for (const char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    return true;
}

}  // namespace

EnvironmentLookup processEnvironment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

std::string expandEnvironment(std::string_view text, const EnvironmentLookup& lookup) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c != '$') {
            out += c;
            ++i;
            continue;
        }
        const char next = i + 1 < text.size() ? text[i + 1] : '\0';
        if (next == '$') {
            out += '$';
            i += 2;
            continue;
        }
        if (next != '{') {
            throw ExpansionError("a '$' must start '${NAME}' or be doubled as '$$'");
        }
        const std::size_t close = text.find('}', i + 2);
        if (close == std::string_view::npos) throw ExpansionError("'${' without a closing '}'");
        const std::string name(text.substr(i + 2, close - (i + 2)));
        if (!isValidName(name)) {
            throw ExpansionError(
                "bad variable name in '${...}': use letters, digits and '_', not starting "
                "with a digit");
        }
        const std::optional<std::string> value = lookup(name);
        if (!value) throw ExpansionError("environment variable '" + name + "' is not set");
        out += *value;
        i = close + 1;
    }
    return out;
}

}  // namespace relaysync::core
