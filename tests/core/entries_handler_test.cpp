// The engine's decode takes body.entries apart while parsing (protocol/entries_handler.h). For
// every payload it must give what reading the body gives: the same entries, or the same refusal.
#include <cppunit/extensions/HelperMacros.h>

#include "core_test_support.h"
#include "protocol/bodies.h"
#include "protocol/codec.h"
#include "protocol/protocol_error.h"

namespace relaysync::core::coretest {

namespace {
const std::string kEntry =
    R"({"share_id":"s1","name":"a.txt","owner":"client11@relay-server1.net","location":"c:/a.txt",)"
    R"("status":"ok","kind":"file","modified_ms":5,"size":3,"hash":"","version":2,"removed":false})";

std::string message(const std::string& body) {
    return "{\"body\":" + body + R"(,"from":"relay-server1@net","id":"relay-server1@net#1","relaysync":)" +
           std::to_string(kProtocolVersion) + R"(,"to":"relay-server2@net","type":"update-resource-info"})";
}

// kEntry with one field's text replaced.
std::string entryWith(const std::string& field, const std::string& value) {
    auto entry = kEntry;
    const auto at = entry.find("\"" + field + "\":");
    CPPUNIT_ASSERT(at != std::string::npos);
    const auto start = at + field.size() + 3;
    auto end = start;
    if (entry[start] == '"') end = entry.find('"', start + 1) + 1;
    else end = entry.find_first_of(",}", start);
    return entry.substr(0, start) + value + entry.substr(end);
}

struct Outcome {
    bool apart = false;  // the entries came out of the parser
    std::vector<ResourceEntry> entries;
    std::string error;
};

Outcome read(const std::string& payload, EntriesIn how) {
    Outcome outcome;
    try {
        const auto decoded = decode(payload, how);
        outcome.apart = decoded.entries.has_value();
        std::vector<ResourceEntry> storage;
        outcome.entries = entriesOf(decoded, storage);
    } catch (const ProtocolError& e) {
        outcome.error = e.what();
    }
    return outcome;
}

// Both ways agree; returns the error ("" when the entries were read).
std::string bothWays(const std::string& body) {
    const auto payload = message(body);
    const auto whole = read(payload, EntriesIn::body);
    const auto apart = read(payload, EntriesIn::apart);
    CPPUNIT_ASSERT(!whole.apart);
    CPPUNIT_ASSERT_EQUAL(whole.error, apart.error);
    CPPUNIT_ASSERT(whole.entries == apart.entries);
    return apart.error;
}
}  // namespace

class EntriesHandlerTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EntriesHandlerTest);
    CPPUNIT_TEST(entriesComeOutOfTheParserAndLeaveTheBody);
    CPPUNIT_TEST(badFieldsAreRefusedAsTheBodyWouldRefuseThem);
    CPPUNIT_TEST(elementsThatAreNotObjectsAreNamedByIndex);
    CPPUNIT_TEST(entriesThatAreNotAnArrayAreLeftToTheBody);
    CPPUNIT_TEST(theLastOfRepeatedKeysCounts);
    CPPUNIT_TEST(onlyTheBodysOwnEntriesAreTakenApart);
    CPPUNIT_TEST(unknownFieldsOfAnyShapeAreIgnored);
    CPPUNIT_TEST_SUITE_END();

public:
    void entriesComeOutOfTheParserAndLeaveTheBody() {
        const auto payload = message(R"({"share_id":"s1","entries":[)" + kEntry + "," + entryWith("name", "\"b\"") + "]}");
        const auto decoded = decode(payload, EntriesIn::apart);
        CPPUNIT_ASSERT(decoded.entries.has_value());
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, decoded.entries->size());
        CPPUNIT_ASSERT_EQUAL(std::string("b"), decoded.entries->at(1).name);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, decoded.entries->at(0).version);
        CPPUNIT_ASSERT(!decoded.body->has("entries"));
        CPPUNIT_ASSERT_EQUAL(std::string("s1"), decoded.body->getValue<std::string>("share_id"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), bothWays(R"({"entries":[)" + kEntry + "]}"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), bothWays(R"({"entries":[]})"));
    }

    void badFieldsAreRefusedAsTheBodyWouldRefuseThem() {
        const auto refused = [](const std::string& field, const std::string& value, const std::string& expected) {
            RS_ASSERT_CONTAINS(bothWays(R"({"entries":[)" + kEntry + "," + entryWith(field, value) + "]}"), expected);
        };
        refused("name", "5", "field 'body.entries.name' must be a string");
        refused("name", "null", "field 'body.entries.name' is null");
        refused("name", "\"\"", "body.entries.name");
        refused("owner", "\"no account\"", "field 'body.entries.owner'");
        refused("kind", "\"link\"", "must be \"file\" or \"folder\"");
        refused("size", "-1", "must not be negative");
        refused("size", "\"3\"", "field 'body.entries.size' must be an integer");
        refused("size", "1.5", "field 'body.entries.size' must be an integer");
        refused("size", "18446744073709551615", "an integer that fits in 64 bits");
        refused("version", "true", "field 'body.entries.version' must be an integer");
        refused("removed", "0", "field 'body.entries.removed' must be true or false");
        refused("hash", "{\"a\":[1]}", "field 'body.entries.hash' must be a string");
        refused("location", "[\"x\"]", "field 'body.entries.location' must be a string");
        auto missing = kEntry;
        missing.replace(missing.find(R"("status":"ok",)"), 14, "");
        RS_ASSERT_CONTAINS(bothWays(R"({"entries":[)" + missing + "]}"), "missing field 'body.entries.status'");
    }

    void elementsThatAreNotObjectsAreNamedByIndex() {
        RS_ASSERT_CONTAINS(bothWays(R"({"entries":[)" + kEntry + ",7]}"), "field 'body.entries[1]' must be an object");
        RS_ASSERT_CONTAINS(bothWays(R"({"entries":[[)" + kEntry + "]]}"), "field 'body.entries[0]' must be an object");
        RS_ASSERT_CONTAINS(bothWays(R"({"entries":[null]})"), "field 'body.entries[0]' must be an object");
    }

    void entriesThatAreNotAnArrayAreLeftToTheBody() {
        RS_ASSERT_CONTAINS(bothWays(R"({"entries":"x"})"), "field 'body.entries' must be an array");
        RS_ASSERT_CONTAINS(bothWays(R"({"entries":)" + kEntry + "}"), "field 'body.entries' must be an array");
        RS_ASSERT_CONTAINS(bothWays(R"({"share_id":"s1"})"), "missing field 'body.entries'");
        CPPUNIT_ASSERT(!decode(message(R"({"entries":"x"})"), EntriesIn::apart).entries);
    }

    void theLastOfRepeatedKeysCounts() {
        // A repeated key in an entry, "entries" twice (array then not, and the other way), a second body.
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             bothWays(R"({"entries":[)" + entryWith("name", R"("first","name":"second")") + "]}"));
        RS_ASSERT_CONTAINS(bothWays(R"({"entries":[)" + kEntry + R"(],"entries":5})"), "must be an array");
        CPPUNIT_ASSERT_EQUAL(std::string(""), bothWays(R"({"entries":5,"entries":[)" + kEntry + "]}"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), bothWays(R"({"entries":[7],"entries":[)" + kEntry + "]}"));
        const auto twice = "{\"body\":{\"entries\":[7]}," + message(R"({"entries":[)" + kEntry + "]}").substr(1);
        const auto whole = read(twice, EntriesIn::body), apart = read(twice, EntriesIn::apart);
        CPPUNIT_ASSERT_EQUAL(whole.error, apart.error);
        CPPUNIT_ASSERT(whole.entries == apart.entries);
    }

    void onlyTheBodysOwnEntriesAreTakenApart() {
        // Nested deeper, or beside the body: ordinary JSON, left where it is.
        const auto nested = decode(message(R"({"report":{"entries":[)" + kEntry + "]}}"), EntriesIn::apart);
        CPPUNIT_ASSERT(!nested.entries);
        CPPUNIT_ASSERT(nested.body->getObject("report")->has("entries"));
        const auto beside = decode("{\"entries\":[1]," + message("{}").substr(1), EntriesIn::apart);
        CPPUNIT_ASSERT(!beside.entries);
    }

    void unknownFieldsOfAnyShapeAreIgnored() {
        CPPUNIT_ASSERT_EQUAL(std::string(""), bothWays(R"({"entries":[)" + entryWith("kind", R"("file","extra":{"a":[1,{"b":null}]},"more":[[]])") + "]}"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EntriesHandlerTest);

}  // namespace relaysync::core::coretest
