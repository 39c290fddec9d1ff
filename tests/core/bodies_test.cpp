// JSON forms of the model carried in message bodies: every type round-trips, and a malformed
// body is refused with the path of the offending field.
#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

#include <Poco/JSON/Parser.h>

#include "core_test_support.h"
#include "engine/sync_messages.h"
#include "model/text_cell.h"
#include "protocol/bodies.h"
#include "protocol/json_fields.h"
#include "protocol/protocol_error.h"

namespace relaysync::core::coretest {

namespace {
// Through text, as a transport carries it.
Poco::JSON::Object::Ptr viaText(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    Poco::JSON::Parser parser;
    return parser.parse(out.str()).extract<Poco::JSON::Object::Ptr>();
}

RelayGroup exampleGroup() {
    RelayGroup group;
    group.id = "0001@relay-server1";
    group.relays = {{kRelay1, "Branch A"}, {kRelay2, "Branch B"}};
    group.terminals = {makeTerminal(kClient11, kRelay1, 1), makeTerminal(kClient21, kRelay2, 3, true)};
    return group;
}
}  // namespace

class BodiesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BodiesTest);
    CPPUNIT_TEST(groupRoundTripsWithRelaysAndTerminals);
    CPPUNIT_TEST(shareRoundTrips);
    CPPUNIT_TEST(deletedShareRoundTripsAndRemovedIsRequired);
    CPPUNIT_TEST(entryRoundTripsWithFolderKindHashAndLargeSize);
    CPPUNIT_TEST(entryListRoundTripsInOrder);
    CPPUNIT_TEST(badNamesAndAccountsAreRefusedNamingTheField);
    CPPUNIT_TEST(reportRoundTrips);
    CPPUNIT_TEST(entryWithUnknownKindIsRefused);
    CPPUNIT_TEST(entryWithNegativeSizeIsRefused);
    CPPUNIT_TEST(entryWithEmptyNameIsRefused);
    CPPUNIT_TEST(missingNestedFieldIsNamedWithItsPath);
    CPPUNIT_TEST(nonStringMemberIsNamedWithItsIndex);
    CPPUNIT_TEST(nonObjectArrayElementIsNamedWithItsIndex);
    CPPUNIT_TEST(terminalRemovedFlagMustBeBoolean);
    CPPUNIT_TEST(syncRequestRoundTripsAndRequiresNames);
    CPPUNIT_TEST(reportBodyWrapsTheReport);
    CPPUNIT_TEST(syncProgressRoundTripsBoundedAndRefusesTooManyOrNegative);
    CPPUNIT_TEST_SUITE_END();

public:
    void groupRoundTripsWithRelaysAndTerminals() {
        const auto group = exampleGroup();
        const auto back = groupFromJson(viaText(toJson(group)), "body.group");
        CPPUNIT_ASSERT_EQUAL(group.id, back.id);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, back.relays.size());
        CPPUNIT_ASSERT_EQUAL(std::string("Branch B"), back.relays[1].display_name);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, back.terminals.size());
        const auto& t = back.terminals[1];
        CPPUNIT_ASSERT_EQUAL(kClient21, t.account);
        CPPUNIT_ASSERT_EQUAL(kRelay2, t.relay);
        CPPUNIT_ASSERT_EQUAL(std::string("client21"), t.display_name);
        CPPUNIT_ASSERT_EQUAL(std::string("Sales"), t.department);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, t.version);
        CPPUNIT_ASSERT(t.removed);
        CPPUNIT_ASSERT(!back.terminals[0].removed);
    }

    // A deleted share travels as its last definition marked removed; a body without the flag
    // is refused like any other missing field.
    void deletedShareRoundTripsAndRemovedIsRequired() {
        auto tombstone = makeShare(kS1, {kClient11, kClient21}, 4);
        tombstone.removed = true;
        const auto back = shareFromJson(viaText(toJson(tombstone)), "body.share");
        CPPUNIT_ASSERT(tombstone == back);
        CPPUNIT_ASSERT(back.removed);
        auto object = toJson(tombstone);
        object->remove("removed");
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { shareFromJson(object, "body.share"); }),
                           "missing field 'body.share.removed'");
    }

    void shareRoundTrips() {
        Share workspace{"20071001150032client11@relay-server1.net", "0001@relay-server1", "workspace1", kClient11,
                        {kClient11, kClient21}, 5};
        CPPUNIT_ASSERT(workspace == shareFromJson(viaText(toJson(workspace)), "body.share"));
    }

    void entryRoundTripsWithFolderKindHashAndLargeSize() {
        auto folder = makeEntry("s1", "folderA", kClient11, "c:/folderA", 9);
        folder.details = {sdk::EntityKind::folder, 1'191'207'632'000, 5'000'000'000ULL, "sha256:ab12", {}};
        folder.status = kStatusFileNotFound;
        folder.removed = true;
        CPPUNIT_ASSERT(folder == entryFromJson(viaText(toJson(folder)), "body.entries"));
    }

    // Names from peers are bounded and free of control characters; accounts are well formed.
    // The error names the field. (Text that is not UTF-8 does not get this far: the JSON
    // parser refuses it, codec_test.)
    void badNamesAndAccountsAreRefusedNamingTheField() {
        const auto refusal = [](ResourceEntry entry) {
            try {
                entryFromJson(viaText(toJson(entry)), "body.entries[0]");
            } catch (const ProtocolError& e) {
                return std::string(e.what());
            }
            return std::string("taken");
        };
        auto entry = makeEntry("s1", "folderA", kClient11, "c:/folderA", 1);
        entry.name = "evil\n2026-11-29 fake log line";
        RS_ASSERT_CONTAINS(refusal(entry), "body.entries[0].name' contains a control character");
        entry.name = std::string(kMaxResourceNameBytes + 1, 'n');
        RS_ASSERT_CONTAINS(refusal(entry), "is longer than 1024 bytes");
        entry.name = "folderA";
        entry.location = std::string(kMaxLocationBytes + 1, 'l');
        RS_ASSERT_CONTAINS(refusal(entry), "body.entries[0].location' is longer than 4096 bytes");
        entry.location = "c:/folderA";
        entry.owner = "client11 @relay-server1.net";
        RS_ASSERT_CONTAINS(refusal(entry), "body.entries[0].owner'");
        entry.owner = kClient11;
        entry.name = "フォルダA";  // UTF-8 names are fine
        CPPUNIT_ASSERT_EQUAL(std::string("taken"), refusal(entry));

        Share share{"20071001150032client11@relay-server1.net", "0001@relay-server1", "work\x1b[2Jspace", kClient11,
                    {kClient11}, 1};
        CPPUNIT_ASSERT_THROW(shareFromJson(viaText(toJson(share)), "body.share"), ProtocolError);
        share.name = "workspace1";
        share.members.push_back("not an account");
        CPPUNIT_ASSERT_THROW(shareFromJson(viaText(toJson(share)), "body.share"), ProtocolError);
    }

    void entryListRoundTripsInOrder() {
        const std::vector<ResourceEntry> entries{makeEntry("s1", "b", kClient11, "c:/b"),
                                                 makeEntry("s1", "a", kClient21, "c:/a", 2)};
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("entries", toJson(entries));
        CPPUNIT_ASSERT(entries == entriesFromJson(viaText(body), "entries", "body"));
    }

    void reportRoundTrips() {
        SyncReport report;
        report.sync_id = "relay-server1@net/sync-3";
        report.share_id = "s1";
        report.checked = 6;
        report.unchanged = 1;
        report.changed = 2;
        report.gone = 1;
        report.recovered = 1;
        report.unreachable = 1;
        report.unknown_resources = {"folderQ"};
        report.unreachable_nodes = {kClient21};
        report.problems = {"a", "b"};
        report.changed_entries = {"budget.xls (" + kClient21 + ")", "plan.txt (" + kClient11 + ")"};
        report.gone_entries = {"file100.pdf (client31@relay-server3.net)"};
        report.recovered_entries = {"folderE (client31@relay-server3.net)"};
        report.unreachable_entries = {"z (client11@relay-server1.net)"};
        report.more_changed_entries = 7;
        const auto back = reportFromJson(viaText(toJson(report)), "body.report");
        CPPUNIT_ASSERT(report.changed_entries == back.changed_entries);
        CPPUNIT_ASSERT(report.gone_entries == back.gone_entries);
        CPPUNIT_ASSERT(report.recovered_entries == back.recovered_entries);
        CPPUNIT_ASSERT(report.unreachable_entries == back.unreachable_entries);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{7}, back.more_changed_entries);
        // A report without the lists (an older client's JSON) reads as empty lists.
        auto older = toJson(report);
        for (const char* key : {"changed_entries", "gone_entries", "recovered_entries", "unreachable_entries",
                                "more_changed_entries"})
            older->remove(key);
        const auto old_back = reportFromJson(older, "body.report");
        CPPUNIT_ASSERT(old_back.changed_entries.empty() && old_back.unreachable_entries.empty());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, old_back.more_changed_entries);
        CPPUNIT_ASSERT_EQUAL(report.sync_id, back.sync_id);
        CPPUNIT_ASSERT_EQUAL(report.share_id, back.share_id);
        CPPUNIT_ASSERT_EQUAL(report.checked, back.checked);
        CPPUNIT_ASSERT_EQUAL(report.changed, back.changed);
        CPPUNIT_ASSERT_EQUAL(report.recovered, back.recovered);
        CPPUNIT_ASSERT_EQUAL(report.unreachable, back.unreachable);
        CPPUNIT_ASSERT(report.unknown_resources == back.unknown_resources);
        CPPUNIT_ASSERT(report.unreachable_nodes == back.unreachable_nodes);
        CPPUNIT_ASSERT(report.problems == back.problems);
    }

    void entryWithUnknownKindIsRefused() {
        auto object = toJson(makeEntry("s1", "a", kClient11, "c:/a"));
        object->set("kind", std::string("symlink"));
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { entryFromJson(object, "body.entries"); }),
                           "'body.entries.kind' must be \"file\" or \"folder\"");
    }

    void entryWithNegativeSizeIsRefused() {
        auto object = toJson(makeEntry("s1", "a", kClient11, "c:/a"));
        object->set("size", -1);
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { entryFromJson(object, "body.entries"); }),
                           "'body.entries.size' must not be negative");
    }

    void entryWithEmptyNameIsRefused() {
        auto object = toJson(makeEntry("s1", "", kClient11, "c:/a"));
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { entryFromJson(object, "body.entries"); }),
                           "'body.entries.name' is empty");
    }

    void missingNestedFieldIsNamedWithItsPath() {
        auto object = toJson(makeShare("s1", {kClient11}));
        object->remove("creator");
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { shareFromJson(object, "body.share"); }),
                           "missing field 'body.share.creator'");
        auto group = toJson(exampleGroup());
        group->getArray("terminals")->getObject(0)->remove("department");
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { groupFromJson(group, "body.group"); }),
                           "body.group.terminals");
    }

    void nonStringMemberIsNamedWithItsIndex() {
        Poco::JSON::Parser parser;
        auto object = toJson(makeShare("s1", {kClient11}));
        object->set("members", parser.parse("[\"client11@relay-server1.net\", 42]"));
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { shareFromJson(object, "body.share"); }),
                           "'body.share.members[1]' must be a string");
    }

    void nonObjectArrayElementIsNamedWithItsIndex() {
        Poco::JSON::Parser parser;
        auto body = parser.parse("{\"entries\":[\"not an entry\"]}").extract<Poco::JSON::Object::Ptr>();
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { entriesFromJson(body, "entries", "body"); }),
                           "'body.entries[0]' must be an object");
    }

    void terminalRemovedFlagMustBeBoolean() {
        auto object = toJson(makeTerminal(kClient11, kRelay1, 1));
        object->set("removed", 0);
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { terminalFromJson(object, "body.terminal"); }),
                           "'body.terminal.removed' must be true or false");
    }

    void syncRequestRoundTripsAndRequiresNames() {
        const SyncRequest request("client11@relay-server1.net/sync-4", "s1", {"folderB", "folderE"}, {});
        const auto back = SyncRequest::fromBody(viaText(request.toBody()));
        CPPUNIT_ASSERT_EQUAL(request.sync_id, back.sync_id);
        CPPUNIT_ASSERT_EQUAL(request.share_id, back.share_id);
        CPPUNIT_ASSERT(request.names == back.names);
        CPPUNIT_ASSERT(SyncRequest::fromBody(SyncRequest("x", "s1", {}).toBody()).names.empty());

        auto body = request.toBody();
        body->remove("names");
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { SyncRequest::fromBody(body); }), "body.names");
    }

    void syncProgressRoundTripsBoundedAndRefusesTooManyOrNegative() {
        std::vector<std::string> nodes;
        for (int i = 0; i < 130; ++i) nodes.push_back("client" + std::to_string(i) + "@relay-server2.net");
        const auto progress = SyncProgress::bounded("client11@relay-server1.net/sync-4", nodes);
        CPPUNIT_ASSERT_EQUAL(SyncProgress::kMaxListed, progress.still_checking.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{30}, progress.more);
        const auto back = SyncProgress::fromBody(viaText(progress.toBody()));
        CPPUNIT_ASSERT_EQUAL(progress.sync_id, back.sync_id);
        CPPUNIT_ASSERT(progress.still_checking == back.still_checking);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{30}, back.more);

        auto too_many = progress.toBody();
        too_many->set("still_checking", json::toArray(nodes));
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { SyncProgress::fromBody(too_many); }),
                           "body.still_checking");
        auto negative = progress.toBody();
        negative->set("more", -1);
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { SyncProgress::fromBody(negative); }), "body.more");
        auto missing = progress.toBody();
        missing->remove("sync_id");
        RS_ASSERT_CONTAINS(thrownMessage<ProtocolError>([&] { SyncProgress::fromBody(missing); }), "body.sync_id");
    }

    void reportBodyWrapsTheReport() {
        SyncReport report;
        report.sync_id = "x";
        report.share_id = "s1";
        report.gone = 2;
        const auto body = viaText(reportBody(report));
        const auto back = reportFromJson(json::requireObject(body, "report", "body"), "body.report");
        CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, back.gone);
        CPPUNIT_ASSERT_EQUAL(std::string("x"), back.sync_id);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BodiesTest);

}  // namespace relaysync::core::coretest
