#include "protocol/entries_handler.h"

#include <limits>

#include "protocol/protocol_error.h"

namespace relaysync::core {

namespace {
constexpr const char* kWhere = "body.entries";

json::Scalar ofKind(json::Scalar::Kind kind) {
    json::Scalar value;
    value.kind = kind;
    return value;
}
}  // namespace

void EntriesHandler::reset() {
    ParseHandler::reset();
    mode_ = Mode::tree;
    depth_ = 0;
    pending_key_.clear();
    in_body_ = false;
    entries_.reset();
    problem_.clear();
}

void EntriesHandler::elementNotAnObject() {
    fail("field '" + std::string(kWhere) + "[" + std::to_string(index_++) + "]' must be an object");
}

void EntriesHandler::skipFrom(Mode back) {
    skip_back_ = back;
    skip_depth_ = depth_;
    mode_ = Mode::skip;
}

void EntriesHandler::containerInEntry() {
    // An object or array as a field's value: what the field's check says of it, nothing inside.
    if (auto* field = fields_.field(entry_key_)) *field = ofKind(json::Scalar::Kind::container);
    skipFrom(Mode::entry);
}

void EntriesHandler::treeValueStarts() {
    // body.entries given again, as something else: the last one counts, as in Poco's objects.
    if (in_body_ && depth_ == 2 && pending_key_ == "entries") {
        entries_.reset();
        problem_.clear();
    }
}

void EntriesHandler::fail(const std::string& problem) {
    if (problem_.empty()) problem_ = problem;
}

void EntriesHandler::startObject() {
    switch (mode_) {
    case Mode::tree:
        treeValueStarts();
        if (depth_ == 1 && pending_key_ == "body") {
            in_body_ = true;
            entries_.reset();
            problem_.clear();
        }
        ParseHandler::startObject();
        break;
    case Mode::entries:
        mode_ = Mode::entry;
        fields_ = {};
        entry_key_.clear();
        break;
    case Mode::entry: containerInEntry(); break;
    case Mode::skip: break;
    }
    ++depth_;
}

void EntriesHandler::endObject() {
    --depth_;
    switch (mode_) {
    case Mode::tree:
        ParseHandler::endObject();
        if (depth_ == 1) in_body_ = false;
        break;
    case Mode::entry:
        try {
            entries_->push_back(entryFromFields(fields_, kWhere));
        } catch (const ProtocolError& e) {
            fail(e.what());
        }
        ++index_;
        mode_ = Mode::entries;
        break;
    case Mode::skip:
        if (depth_ == skip_depth_) mode_ = skip_back_;
        break;
    case Mode::entries: break;  // the parser closes what it opened: not reached
    }
}

void EntriesHandler::startArray() {
    switch (mode_) {
    case Mode::tree:
        if (in_body_ && depth_ == 2 && pending_key_ == "entries") {
            mode_ = Mode::entries;
            entries_.emplace();
            problem_.clear();
            index_ = 0;
        } else {
            ParseHandler::startArray();
        }
        break;
    case Mode::entries:
        elementNotAnObject();
        skipFrom(Mode::entries);
        break;
    case Mode::entry: containerInEntry(); break;
    case Mode::skip: break;
    }
    ++depth_;
}

void EntriesHandler::endArray() {
    --depth_;
    switch (mode_) {
    case Mode::tree: ParseHandler::endArray(); break;
    case Mode::entries: mode_ = Mode::tree; break;
    case Mode::skip:
        if (depth_ == skip_depth_) mode_ = skip_back_;
        break;
    case Mode::entry: break;  // not reached
    }
}

void EntriesHandler::key(const std::string& k) {
    if (mode_ == Mode::tree) {
        ParseHandler::key(k);
        pending_key_ = k;
    } else if (mode_ == Mode::entry) {
        entry_key_ = k;
    }
}

void EntriesHandler::scalar(json::Scalar&& value) {
    if (mode_ == Mode::entries) {
        elementNotAnObject();
    } else if (mode_ == Mode::entry) {
        if (auto* field = fields_.field(entry_key_)) *field = std::move(value);  // the last of a repeated key
    }
}

void EntriesHandler::null() {
    if (mode_ != Mode::tree) return scalar(ofKind(json::Scalar::Kind::null));
    treeValueStarts();
    ParseHandler::null();
}

void EntriesHandler::integer(Poco::Int64 v) {
    if (mode_ != Mode::tree) {
        auto value = ofKind(json::Scalar::Kind::integer);
        value.integer = v;
        return scalar(std::move(value));
    }
    treeValueStarts();
    ParseHandler::value(v);
}

void EntriesHandler::value(Poco::UInt64 v) {
    if (mode_ != Mode::tree) {
        if (v > static_cast<Poco::UInt64>(std::numeric_limits<Poco::Int64>::max()))
            return scalar(ofKind(json::Scalar::Kind::too_big));
        return integer(static_cast<Poco::Int64>(v));
    }
    treeValueStarts();
    ParseHandler::value(v);
}

void EntriesHandler::value(const std::string& s) {
    if (mode_ != Mode::tree) {
        auto value = ofKind(json::Scalar::Kind::string);
        value.text = s;
        return scalar(std::move(value));
    }
    treeValueStarts();
    ParseHandler::value(s);
}

void EntriesHandler::value(double d) {
    if (mode_ != Mode::tree) return scalar(ofKind(json::Scalar::Kind::other_number));
    treeValueStarts();
    ParseHandler::value(d);
}

void EntriesHandler::value(bool b) {
    if (mode_ != Mode::tree) {
        auto value = ofKind(json::Scalar::Kind::boolean);
        value.boolean = b;
        return scalar(std::move(value));
    }
    treeValueStarts();
    ParseHandler::value(b);
}

std::optional<std::vector<ResourceEntry>> EntriesHandler::takeEntries() {
    if (!problem_.empty() && entries_) throw ProtocolError(problem_);
    return std::move(entries_);
}

}  // namespace relaysync::core
