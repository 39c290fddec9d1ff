#include "protocol/json_fields.h"

#include "model/account.h"
#include "model/text_cell.h"

#include <limits>

#include "protocol/protocol_error.h"

namespace relaysync::core::json {

namespace {
const Poco::Dynamic::Var& field(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                const std::string& where, Poco::Dynamic::Var& holder) {
    if (!object || !object->has(key)) throw ProtocolError("missing field '" + where + "." + key + "'");
    holder = object->get(key);
    if (holder.isEmpty()) throw ProtocolError("field '" + where + "." + key + "' is null");
    return holder;
}

[[noreturn]] void wrongType(const std::string& where, const std::string& key, const char* expected) {
    throw ProtocolError("field '" + where + "." + key + "' must be " + expected);
}
}  // namespace

std::string requireString(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where) {
    Poco::Dynamic::Var holder;
    const auto& value = field(object, key, where, holder);
    if (!value.isString()) wrongType(where, key, "a string");
    return value.extract<std::string>();
}

std::int64_t requireInt(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where) {
    Poco::Dynamic::Var holder;
    const auto& value = field(object, key, where, holder);
    if (!value.isInteger()) wrongType(where, key, "an integer");
    try {
        return value.convert<std::int64_t>();
    } catch (const Poco::Exception&) {
        wrongType(where, key, "an integer that fits in 64 bits");
    }
}

bool requireBool(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where) {
    Poco::Dynamic::Var holder;
    const auto& value = field(object, key, where, holder);
    if (!value.isBoolean()) wrongType(where, key, "true or false");
    return value.extract<bool>();
}

Poco::JSON::Object::Ptr requireObject(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where) {
    Poco::Dynamic::Var holder;
    field(object, key, where, holder);
    auto result = object->getObject(key);
    if (!result) wrongType(where, key, "an object");
    return result;
}

Poco::JSON::Array::Ptr requireArray(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where) {
    Poco::Dynamic::Var holder;
    field(object, key, where, holder);
    auto result = object->getArray(key);
    if (!result) wrongType(where, key, "an array");
    return result;
}

std::vector<std::string> requireStrings(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where) {
    auto array = requireArray(object, key, where);
    std::vector<std::string> values;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const auto& item = array->get(static_cast<unsigned>(i));
        if (!item.isString()) wrongType(where, key + "[" + std::to_string(i) + "]", "a string");
        values.push_back(item.extract<std::string>());
    }
    return values;
}

Poco::JSON::Object::Ptr objectAt(const Poco::JSON::Array::Ptr& array, std::size_t index, const std::string& where) {
    auto result = array->getObject(static_cast<unsigned>(index));
    if (!result) throw ProtocolError("field '" + where + "[" + std::to_string(index) + "]' must be an object");
    return result;
}

std::string requireName(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where,
                        std::size_t max_bytes, bool may_be_empty) {
    auto text = requireString(object, key, where);
    if (const auto problem = nameProblem(text, max_bytes, may_be_empty); !problem.empty())
        throw ProtocolError("field '" + where + "." + key + "' " + problem);
    return text;
}

std::string requireAccount(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& where) {
    auto account = requireString(object, key, where);
    if (const auto problem = accountProblem(account); !problem.empty())
        throw ProtocolError("field '" + where + "." + key + "': " + problem);
    return account;
}

std::vector<std::string> requireAccounts(const Poco::JSON::Object::Ptr& object, const std::string& key,
                                         const std::string& where) {
    auto accounts = requireStrings(object, key, where);
    for (const auto& account : accounts)
        if (const auto problem = accountProblem(account); !problem.empty())
            throw ProtocolError("field '" + where + "." + key + "': " + problem);
    return accounts;
}

std::string optionalString(const Poco::JSON::Object::Ptr& object, const std::string& key) {
    if (!object || !object->has(key)) return {};
    const auto value = object->get(key);
    return value.isString() ? value.extract<std::string>() : std::string{};
}

Scalar scalarOf(const Poco::JSON::Object::Ptr& object, const std::string& key) {
    Scalar scalar;
    if (!object || !object->has(key)) return scalar;
    const auto value = object->get(key);
    if (value.isEmpty()) {
        scalar.kind = Scalar::Kind::null;
    } else if (value.isString()) {
        scalar.kind = Scalar::Kind::string;
        scalar.text = value.extract<std::string>();
    } else if (value.isBoolean()) {
        scalar.kind = Scalar::Kind::boolean;
        scalar.boolean = value.extract<bool>();
    } else if (value.isInteger()) {
        try {
            scalar.integer = value.convert<std::int64_t>();
            scalar.kind = Scalar::Kind::integer;
        } catch (const Poco::Exception&) {
            scalar.kind = Scalar::Kind::too_big;
        }
    } else if (value.isNumeric()) {
        scalar.kind = Scalar::Kind::other_number;
    } else {
        scalar.kind = Scalar::Kind::container;
    }
    return scalar;
}

namespace {
void requirePresent(const Scalar& value, const std::string& key, const std::string& where) {
    if (value.kind == Scalar::Kind::missing) throw ProtocolError("missing field '" + where + "." + key + "'");
    if (value.kind == Scalar::Kind::null) throw ProtocolError("field '" + where + "." + key + "' is null");
}
}  // namespace

std::string requireString(Scalar& value, const std::string& key, const std::string& where) {
    requirePresent(value, key, where);
    if (value.kind != Scalar::Kind::string) wrongType(where, key, "a string");
    return std::move(value.text);
}

std::int64_t requireInt(const Scalar& value, const std::string& key, const std::string& where) {
    requirePresent(value, key, where);
    if (value.kind == Scalar::Kind::too_big) wrongType(where, key, "an integer that fits in 64 bits");
    if (value.kind != Scalar::Kind::integer) wrongType(where, key, "an integer");
    return value.integer;
}

bool requireBool(const Scalar& value, const std::string& key, const std::string& where) {
    requirePresent(value, key, where);
    if (value.kind != Scalar::Kind::boolean) wrongType(where, key, "true or false");
    return value.boolean;
}

std::string requireName(Scalar& value, const std::string& key, const std::string& where, std::size_t max_bytes) {
    auto text = requireString(value, key, where);
    if (const auto problem = nameProblem(text, max_bytes, false); !problem.empty())
        throw ProtocolError("field '" + where + "." + key + "' " + problem);
    return text;
}

std::string requireAccount(Scalar& value, const std::string& key, const std::string& where) {
    auto account = requireString(value, key, where);
    if (const auto problem = accountProblem(account); !problem.empty())
        throw ProtocolError("field '" + where + "." + key + "': " + problem);
    return account;
}

Poco::JSON::Array::Ptr toArray(const std::vector<std::string>& values) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const auto& value : values) array->add(value);
    return array;
}

}  // namespace relaysync::core::json
