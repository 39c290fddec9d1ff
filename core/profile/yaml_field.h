#pragma once
// Reading a YAML tree while remembering where each value is and how to name it, so that every
// error says file:line:column and the key path ("stores[1].config.root"). Internal to the
// profile loader: nothing outside core/profile includes yaml-cpp.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "profile/env_expansion.h"
#include "profile/profile.h"

namespace relaysync::core {

// What every field of one document shares.
struct YamlSource {
    std::string file;
    EnvironmentLookup environment;

    SourcePosition at(const YAML::Mark& mark) const;  // 0-based mark -> 1-based position
};

class YamlMapping;

// One value in the tree, with the key that led to it.
class YamlField {
public:
    // The document's root: empty key path, no key position.
    static YamlField document(const YAML::Node& root, const YamlSource& source);

    const std::string& path() const { return path_; }
    // Where the key is written; for the root, the file alone.
    SourcePosition keyPosition() const;
    // Where the value is written; the key's position when the value is empty.
    SourcePosition valuePosition() const;

    bool isNull() const { return node_.IsNull(); }

    // A mapping (an empty value counts as an empty mapping). Keys must be plain, unique names.
    YamlMapping mapping() const;
    // A list (an empty value counts as an empty list).
    std::vector<YamlField> sequence() const;
    // A single value, ${VAR}-expanded.
    std::string text() const;
    // text(), which must not be empty.
    std::string nonEmptyText() const;
    // text(), which must be one of `allowed`.
    std::string choice(std::initializer_list<std::string_view> allowed) const;
    // A whole number >= 0.
    std::uint64_t count() const;

    // The value as an error message may quote it: 'value' or <redacted>.
    std::string quoted(std::string_view value) const;

    [[noreturn]] void failAtValue(const std::string& problem) const;
    [[noreturn]] void failAtKey(const std::string& problem) const;

private:
    friend class YamlMapping;
    YamlField(YAML::Node node, std::string path, YAML::Mark key_mark, const YamlSource* source);

    [[noreturn]] void failWrongShape(std::string_view expected) const;

    YAML::Node node_;
    std::string path_;
    YAML::Mark key_mark_;
    const YamlSource* source_;
};

// The keys of one mapping, in file order.
class YamlMapping {
public:
    const YamlField& owner() const { return owner_; }
    const std::vector<std::pair<std::string, YamlField>>& entries() const& { return entries_; }
    // Not on a temporary: `for (... : field.mapping().entries())` would dangle.
    void entries() const&& = delete;

    std::optional<YamlField> find(std::string_view key) const;
    // Missing: an error naming the key, at the position of the mapping's own key; `why`, if
    // given, is added to the message in parentheses.
    YamlField require(std::string_view key, std::string_view why = {}) const;
    // Any key not in `allowed` is an error that lists the allowed keys (a typo must not be
    // silently ignored).
    void allowOnly(std::initializer_list<std::string_view> allowed) const;

private:
    friend class YamlField;
    explicit YamlMapping(YamlField owner) : owner_(std::move(owner)) {}

    YamlField owner_;
    std::vector<std::pair<std::string, YamlField>> entries_;
};

}  // namespace relaysync::core
