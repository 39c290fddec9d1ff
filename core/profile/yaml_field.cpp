#include "profile/yaml_field.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "profile/closest_name.h"
#include "profile/profile_error.h"
#include "profile/secret_keys.h"

namespace relaysync::core {
namespace {

std::string describeShape(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Null: return "nothing";
        case YAML::NodeType::Scalar: return "a single value";
        case YAML::NodeType::Sequence: return "a list";
        case YAML::NodeType::Map: return "a mapping";
        case YAML::NodeType::Undefined: break;
    }
    return "nothing";
}

std::string joinNames(std::initializer_list<std::string_view> names) {
    std::string text;
    for (const std::string_view name : names) {
        if (!text.empty()) text += ", ";
        text += name;
    }
    return text;
}

std::string childPath(const std::string& parent, std::string_view key) {
    if (parent.empty()) return std::string(key);
    return parent + "." + std::string(key);
}

bool allDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(),
                                        [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

SourcePosition YamlSource::at(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.line < 0) return SourcePosition{file, 0, 0};
    return SourcePosition{file, mark.line + 1, mark.column + 1};
}

YamlField::YamlField(YAML::Node node, std::string path, YAML::Mark key_mark,
                     const YamlSource* source)
    : node_(std::move(node)), path_(std::move(path)), key_mark_(key_mark), source_(source) {}

YamlField YamlField::document(const YAML::Node& root, const YamlSource& source) {
    return YamlField(root, "", YAML::Mark::null_mark(), &source);
}

SourcePosition YamlField::keyPosition() const { return source_->at(key_mark_); }

SourcePosition YamlField::valuePosition() const {
    // yaml-cpp marks an empty value at the start of the next line: point at the key instead.
    if (node_.IsNull() || node_.Mark().is_null()) return keyPosition();
    return source_->at(node_.Mark());
}

void YamlField::failAtValue(const std::string& problem) const {
    throw ProfileError(valuePosition(), path_, problem);
}

void YamlField::failAtKey(const std::string& problem) const {
    throw ProfileError(keyPosition(), path_, problem);
}

void YamlField::failWrongShape(std::string_view expected) const {
    failAtValue("expected " + std::string(expected) + ", got " + describeShape(node_));
}

std::string YamlField::quoted(std::string_view value) const { return quoteValue(path_, value); }

YamlMapping YamlField::mapping() const {
    YamlMapping result(*this);
    if (node_.IsNull()) return result;
    if (!node_.IsMap()) failWrongShape("a mapping (key: value lines)");
    for (auto it = node_.begin(); it != node_.end(); ++it) {
        // yaml-cpp's iterators yield key/value pairs by value: hold copies, not references.
        const YAML::Node key = it->first;
        const YAML::Node value = it->second;
        if (!key.IsScalar() || key.Scalar().empty()) {
            throw ProfileError(source_->at(key.Mark()), path_,
                               "keys must be plain names, got " +
                                   (key.IsScalar() ? std::string("an empty key")
                                                   : describeShape(key)));
        }
        const std::string& name = key.Scalar();
        YamlField child(value, childPath(path_, name), key.Mark(), source_);
        if (const auto earlier = result.find(name)) {
            child.failAtKey("duplicate key (first at line " +
                            std::to_string(earlier->keyPosition().line) + ")");
        }
        result.entries_.emplace_back(name, std::move(child));
    }
    return result;
}

std::vector<YamlField> YamlField::sequence() const {
    std::vector<YamlField> items;
    if (node_.IsNull()) return items;
    if (!node_.IsSequence()) failWrongShape("a list");
    std::size_t index = 0;
    for (const YAML::Node& item : node_) {
        items.push_back(YamlField(item, path_ + "[" + std::to_string(index) + "]", item.Mark(),
                                  source_));
        ++index;
    }
    return items;
}

std::string YamlField::text() const {
    if (node_.IsNull()) failAtValue("expected a value, got nothing (write \"\" for empty text)");
    if (!node_.IsScalar()) failWrongShape("a single value");
    try {
        return expandEnvironment(node_.Scalar(), source_->environment);
    } catch (const ExpansionError& e) {
        failAtValue(std::string(e.what()) + " (in " + quoted(node_.Scalar()) + ")");
    }
}

std::string YamlField::nonEmptyText() const {
    std::string value = text();
    if (value.empty()) failAtValue("must not be empty");
    return value;
}

std::string YamlField::choice(std::initializer_list<std::string_view> allowed) const {
    std::string value = text();
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
        failAtValue("expected one of " + joinNames(allowed) + ", got " + quoted(value));
    }
    return value;
}

std::uint64_t YamlField::count() const {
    const std::string value = text();
    if (value.size() > 1 && value.front() == '-' && allDigits(value.substr(1))) {
        failAtValue("must not be negative, got " + quoted(value));
    }
    if (!allDigits(value)) failAtValue("expected a whole number, got " + quoted(value));
    std::uint64_t number = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error != std::errc() || end != value.data() + value.size()) {
        failAtValue("is too large, got " + quoted(value));
    }
    return number;
}

std::optional<YamlField> YamlMapping::find(std::string_view key) const {
    for (const auto& [name, field] : entries_) {
        if (name == key) return field;
    }
    return std::nullopt;
}

YamlField YamlMapping::require(std::string_view key, std::string_view why) const {
    if (auto field = find(key)) return *field;
    std::string problem = "required key is missing";
    if (!why.empty()) problem += " (" + std::string(why) + ")";
    throw ProfileError(owner_.keyPosition(), childPath(owner_.path(), key), problem);
}

void YamlMapping::allowOnly(std::initializer_list<std::string_view> allowed) const {
    for (const auto& [name, field] : entries_) {
        if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
        std::string problem = "unknown key";
        if (const auto guess = closestName(name, std::vector<std::string_view>(allowed))) {
            problem += " (did you mean '" + std::string(*guess) + "'?)";
        }
        field.failAtKey(problem + "; allowed keys here: " + joinNames(allowed));
    }
}

}  // namespace relaysync::core
