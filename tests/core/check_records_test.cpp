// The packed records a check reads (engine/check_records.h): each comes back exactly as it was
// stored, and filtering keeps whole locations, in order.
#include <cppunit/extensions/HelperMacros.h>

#include "engine/check_records.h"

namespace relaysync::core::coretest {

namespace {
ResourceEntry record(const std::string& share, const std::string& name, const std::string& location,
                     std::int64_t version) {
    ResourceEntry entry;
    entry.share_id = share;
    entry.name = name;
    entry.owner = "pc@relay";
    entry.location = location;
    entry.details = {sdk::EntityKind::file, 1000 + version, static_cast<std::uint64_t>(10 * version), {}, {}};
    entry.version = version;
    return entry;
}
}  // namespace

class CheckRecordsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CheckRecordsTest);
    CPPUNIT_TEST(eachRecordComesBackAsStored);
    CPPUNIT_TEST(aRowViewIsCopiedNotReferenced);
    CPPUNIT_TEST(filteringKeepsWholeLocationsInOrder);
    CPPUNIT_TEST_SUITE_END();

public:
    void eachRecordComesBackAsStored() {
        auto first = record("share-a", "a name of more than sixteen bytes", "c:/a/long/location/of/a/file.txt", 3);
        first.status = kStatusFileNotFound;
        first.details.hash = "sha256:0123456789abcdef";
        first.details.kind = sdk::EntityKind::folder;
        const auto second = record("share-b", "b", "c:/b", 1);
        const auto third = record("share-a", "", "c:/c", 2);  // texts may be empty
        CheckRecords records;
        records.add(first);
        records.add(second);
        records.add(third);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), records.size());
        CPPUNIT_ASSERT(records.entry(0, "pc@relay") == first);
        CPPUNIT_ASSERT(records.entry(1, "pc@relay") == second);
        CPPUNIT_ASSERT(records.entry(2, "pc@relay") == third);
        CPPUNIT_ASSERT_EQUAL(std::string("c:/b"), std::string(records.location(1)));
        CPPUNIT_ASSERT(records.details(0) == first.details);
        CPPUNIT_ASSERT(!records.sameDetails(0, 1));
        CPPUNIT_ASSERT(records.sameDetails(1, 1));
    }

    void aRowViewIsCopiedNotReferenced() {
        std::string share = "share-a", name = "n", location = "c:/x/y.txt", status = "ok", hash;
        CheckRecords records;
        records.add(ShareRepository::OwnRecordView{share, name, location, status, hash, sdk::EntityKind::file, 5, 6, 7});
        share = "changed", name = "changed", location = "changed";  // as the next row overwrites them
        CPPUNIT_ASSERT_EQUAL(std::string("share-a"), records.shareId(0));
        CPPUNIT_ASSERT_EQUAL(std::string("n"), std::string(records.name(0)));
        CPPUNIT_ASSERT_EQUAL(std::string("c:/x/y.txt"), std::string(records.location(0)));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), records.version(0));
    }

    void filteringKeepsWholeLocationsInOrder() {
        CheckRecords records;
        records.add(record("s1", "a", "c:/1", 1));
        records.add(record("s2", "a", "c:/1", 1));  // another share's record of the same entity
        records.add(record("s2", "b", "c:/2", 1));
        records.add(record("s1", "c", "c:/3", 1));
        records.add(record("s2", "c", "c:/3", 1));
        // Wanted: the records of share s1; every record at their locations stays.
        records.keepLocationsWhere([&](std::size_t i) { return records.shareId(i) == "s1"; });
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), records.size());
        const char* expected[][2] = {{"s1", "c:/1"}, {"s2", "c:/1"}, {"s1", "c:/3"}, {"s2", "c:/3"}};
        for (std::size_t i = 0; i < records.size(); ++i) {
            CPPUNIT_ASSERT_EQUAL(std::string(expected[i][0]), records.shareId(i));
            CPPUNIT_ASSERT_EQUAL(std::string(expected[i][1]), std::string(records.location(i)));
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CheckRecordsTest);

}  // namespace relaysync::core::coretest
