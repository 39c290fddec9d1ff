#pragma once
// Reading required fields of a JSON body, with errors that name the field's path.

#include <cstdint>
#include <string>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace relaysync::core::json {

// `where` is the path of `object` in the message, e.g. "body.share"; errors name where.key.
std::string requireString(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where);
std::int64_t requireInt(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where);
bool requireBool(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where);
Poco::JSON::Object::Ptr requireObject(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where);
Poco::JSON::Array::Ptr requireArray(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where);
std::vector<std::string> requireStrings(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where);
// The element of an array that must be an object.
Poco::JSON::Object::Ptr objectAt(const Poco::JSON::Array::Ptr& array, std::size_t index, const std::string& where);

// A text that names something (model/text_cell.h, nameProblem): bounded, valid UTF-8, no
// control characters. An account (model/account.h, accountProblem).
std::string requireName(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where,
                        std::size_t max_bytes, bool may_be_empty = false);
std::string requireAccount(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where);
std::vector<std::string> requireAccounts(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                         const std::string& where);

std::string optionalString(const Poco::JSON::Object::Ptr& object, const std::string& key);

// One field's value as a parser met it, for readers that do not build Poco objects
// (protocol/entries_handler.h); the functions below check it as their Poco forms above do,
// with the same errors.
struct Scalar {
    enum class Kind { missing, null, string, integer, too_big, other_number, boolean, container };
    Kind kind = Kind::missing;
    std::string text;
    std::int64_t integer = 0;
    bool boolean = false;
};
Scalar scalarOf(const Poco::JSON::Object::Ptr& object, const std::string& key);
std::string requireString(Scalar& value, const std::string& key, const std::string& where);
std::int64_t requireInt(const Scalar& value, const std::string& key, const std::string& where);
bool requireBool(const Scalar& value, const std::string& key, const std::string& where);
std::string requireName(Scalar& value, const std::string& key, const std::string& where, std::size_t max_bytes);
std::string requireAccount(Scalar& value, const std::string& key, const std::string& where);

Poco::JSON::Array::Ptr toArray(const std::vector<std::string>& values);

}  // namespace relaysync::core::json
