// Chunking entries under a byte budget: the size counted from an entry's fields is never below
// its JSON, whatever its text holds, so that a chunk never outgrows the budget.
#include <cppunit/extensions/HelperMacros.h>

#include <limits>
#include <sstream>

#include "core_test_support.h"
#include "protocol/entry_chunks.h"

namespace relaysync::core::coretest {

namespace {
std::size_t stringified(const Poco::JSON::Array::Ptr& array) {
    std::ostringstream json;
    array->stringify(json);
    return json.str().size();
}

ResourceEntry entryNamed(const std::string& name, const std::string& location) {
    ResourceEntry entry;
    entry.share_id = "20071001150032client11@relay-server1.net";
    entry.name = name;
    entry.owner = "client11@relay-server1.net";
    entry.location = location;
    entry.details.kind = sdk::EntityKind::folder;
    entry.details.modified_ms = std::numeric_limits<std::int64_t>::min();
    entry.details.size = std::numeric_limits<std::uint64_t>::max() / 2;
    entry.details.hash = "sha256:0f\"\\/";
    entry.version = 12;
    return entry;
}
}  // namespace

class EntryChunksTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(EntryChunksTest);
    CPPUNIT_TEST(countedSizeIsNeverBelowTheJson);
    CPPUNIT_TEST(chunksStayUnderTheBudgetAndKeepEveryEntryInOrder);
    CPPUNIT_TEST(noEntriesGiveOneEmptyChunk);
    CPPUNIT_TEST(bodyIsWhatPocoWritesForTheSameEntries);
    CPPUNIT_TEST_SUITE_END();

public:
    void countedSizeIsNeverBelowTheJson() {
        const std::vector<ResourceEntry> entries = {
            entryNamed("plain", "c:/folder/plain"),
            entryNamed("quote\" back\\ slash/", "c:/a\"b\\c"),
            entryNamed("tab\tnewline\ncontrol\x01\x1f del\x7f", "c:/x"),
            entryNamed("\xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80", "c:/\xe2\x82\xac"),
            entryNamed("", ""),
        };
        for (const auto& entry : entries) {
            const std::vector<ResourceEntry> one{entry};
            // An array of one: the entry's JSON and its two brackets.
            CPPUNIT_ASSERT_MESSAGE(entry.name, jsonBytesAtMost(entry) + 2 >= stringified(toJson(one)));
        }
    }

    void chunksStayUnderTheBudgetAndKeepEveryEntryInOrder() {
        std::vector<ResourceEntry> entries;
        for (int i = 0; i < 500; ++i)
            entries.push_back(entryNamed("n\xc3\xa9" + std::to_string(i), "c:/folder/" + std::to_string(i)));
        constexpr std::size_t kBudget = 4096;
        const auto chunks = chunkEntries(entries, kBudget);
        CPPUNIT_ASSERT(chunks.size() > 1);
        std::vector<ResourceEntry> joined;
        for (const auto& chunk : chunks) {
            CPPUNIT_ASSERT(!chunk.empty());
            CPPUNIT_ASSERT(stringified(toJson(chunk)) <= kBudget);
            joined.insert(joined.end(), chunk.begin(), chunk.end());
        }
        CPPUNIT_ASSERT(joined == entries);
    }

    // Written straight from the entries, the body is byte for byte Poco's, escapes included.
    void bodyIsWhatPocoWritesForTheSameEntries() {
        std::vector<ResourceEntry> entries = {
            entryNamed("plain", "c:/folder/plain"),
            entryNamed("quote\" back\\ slash/", "c:/a\"b\\c"),
            entryNamed("tab\tnewline\ncontrol\x01\x1f del\x7f", "c:/x"),
            entryNamed("\xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80", "c:/\xe2\x82\xac"),
            entryNamed("", ""),
        };
        entries[1].removed = true;
        entries[2].details.kind = sdk::EntityKind::file;
        entries[2].status = "gone";
        for (const std::vector<ResourceEntry>& chunk : {entries, std::vector<ResourceEntry>{}}) {
            Poco::JSON::Object body;
            body.set("share_id", std::string("s\u00e9/1"));
            body.set("entries", toJson(chunk));
            CPPUNIT_ASSERT_EQUAL(stringifyBody(body), entriesBodyJson("s\u00e9/1", chunk));
        }
    }

    void noEntriesGiveOneEmptyChunk() {
        const auto chunks = chunkEntries({}, 100);
        CPPUNIT_ASSERT_EQUAL(std::size_t{1}, chunks.size());
        CPPUNIT_ASSERT(chunks.front().empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EntryChunksTest);

}  // namespace relaysync::core::coretest
