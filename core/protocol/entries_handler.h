#pragma once
// Builds a message's JSON tree as Poco's own handler does, except for the array at
// body.entries: its elements become ResourceEntry values straight from the parser's events,
// checked as entryFromJson checks them, and are never Poco objects. A chunk of 10,000 entries
// (2 MB) was otherwise made into a tree, looked up field by field and freed again at every node
// it passes: nearly half of the daemons' CPU while many entries propagate.
//
// Poco's parser reads the text either way; this only replaces what it builds. A problem in an
// entry is kept (not thrown through the parser) and thrown by takeEntries().

#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/ParseHandler.h>

#include "model/share.h"
#include "protocol/bodies.h"

namespace relaysync::core {

class EntriesHandler final : public Poco::JSON::ParseHandler {
public:
    void reset() override;
    void startObject() override;
    void endObject() override;
    void startArray() override;
    void endArray() override;
    void key(const std::string& k) override;
    void null() override;
    void value(int v) override { integer(v); }
    void value(unsigned v) override { integer(v); }
    void value(Poco::Int64 v) override { integer(v); }
    void value(Poco::UInt64 v) override;
    void value(const std::string& s) override;
    void value(double d) override;
    void value(bool b) override;

    // The entries of the last body.entries array (nullopt: the body had none). Throws the
    // ProtocolError of the first bad entry, naming the field as entriesFromJson would.
    std::optional<std::vector<ResourceEntry>> takeEntries();

private:
    // Where the parser is: building the tree (Poco's handler does it), in the entries array, in
    // one entry, or inside a value an entry does not keep (a nested object or array).
    enum class Mode { tree, entries, entry, skip };
    void integer(Poco::Int64 v);
    void scalar(json::Scalar&& value);  // a value inside the entries array
    void fail(const std::string& problem);
    void treeValueStarts();
    void elementNotAnObject();     // a scalar or array in the entries array
    void containerInEntry();       // an object or array as an entry's field
    void skipFrom(Mode back);      // ignores the container that opens now

    Mode mode_ = Mode::tree;
    int depth_ = 0;            // objects and arrays open
    std::string pending_key_;  // in the tree: the key of the value to come
    bool in_body_ = false;     // the tree's body object is open
    Mode skip_back_ = Mode::tree;
    int skip_depth_ = 0;       // the depth at which skipping ends
    std::string entry_key_;    // in an entry: the key of the value to come
    EntryFields fields_;
    std::size_t index_ = 0;    // of the entry in the array
    std::optional<std::vector<ResourceEntry>> entries_;
    std::string problem_;      // the first one found
};

}  // namespace relaysync::core
