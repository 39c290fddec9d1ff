#pragma once
// ${VAR} expansion of profile values from the environment; "$$" stands for one '$'.
// Expansion is one pass: a variable's value is inserted as is, never expanded again.

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace relaysync::core {

// Answers a variable's value, or nullopt when it is not set.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv).
EnvironmentLookup processEnvironment();

// Thrown by expandEnvironment. Its message never quotes the value being expanded (the caller
// adds the value if the key is not secret); it may name a variable.
class ExpansionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Replaces each ${NAME} (NAME: letters, digits, '_', not starting with a digit) by its value and
// each "$$" by "$". Any other '$', an unclosed "${", a bad name or an unset variable throws.
std::string expandEnvironment(std::string_view text, const EnvironmentLookup& lookup);

}  // namespace relaysync::core
