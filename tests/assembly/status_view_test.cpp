// status_view: the text tables and JSON of a node's state, from hand-made states and from a
// real engine.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <optional>

#include "assembly/plain_units.h"
#include "assembly/status_view.h"
#include "assembly_test_support.h"
#include "engine/relay_engine.h"
#include "persistence/database.h"

namespace relaysync::core {
namespace {

using assemblytest::TempDir;

// 2007-10-01T15:00:32Z, the time in the patent's example share id.
constexpr std::int64_t kPatentTime = 1191250832000;

NodeStatus exampleStatus() {
    NodeStatus status;
    status.account = "relay-server1@net";
    status.role = NodeRole::relay;
    RelayGroup group;
    group.id = "0001@relay-server1";
    group.relays = {{"relay-server1@net", "Tokyo"}, {"relay-server2@net", "Osaka"}};
    group.terminals = {{"client11@relay-server1.net", "relay-server1@net", "Tokyo PC 11", "Sales", 1, false}};
    status.groups.push_back(group);

    Share share{"20071001150032client11@relay-server1.net", "0001@relay-server1", "workspace1",
                "client11@relay-server1.net", {"client11@relay-server1.net", "client21@relay-server2.net"}, 1};
    ResourceEntry folder;
    folder.share_id = share.id;
    folder.name = "folderA";
    folder.owner = "client11@relay-server1.net";
    folder.location = "c:/folderA";
    folder.details = {sdk::EntityKind::folder, kPatentTime, 2048, "", {}};
    folder.version = 1;
    ResourceEntry pdf = folder;
    pdf.name = "file100.pdf";
    pdf.owner = "client31@relay-server3.net";
    pdf.location = "c:/docs/file100.pdf";
    pdf.status = kStatusFileNotFound;
    pdf.details = {sdk::EntityKind::file, kPatentTime + 1000, 18, "sha256:ab", {}};
    pdf.version = 2;
    status.shares.push_back({share, {pdf, folder}});

    SyncReport report;
    report.sync_id = "client11@relay-server1.net/sync-1";
    report.share_id = share.id;
    report.checked = 7;
    report.unchanged = 4;
    report.changed = 1;
    report.gone = 2;
    status.syncs.push_back(report);
    return status;
}

class StatusViewTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StatusViewTest);
    CPPUNIT_TEST(isoUtcFormatsMillisecondsToTheSecond);
    CPPUNIT_TEST(groupTableListsRelaysThenShareableTerminals);
    CPPUNIT_TEST(shareTableListsMembersAndEntries);
    CPPUNIT_TEST(emptyStateSaysNone);
    CPPUNIT_TEST(nodeStatusHasAHeading);
    CPPUNIT_TEST(syncReportShowsCountsAndProblems);
    CPPUNIT_TEST(jsonHasAStableKeyOrder);
    CPPUNIT_TEST(syncReportJson);
    CPPUNIT_TEST(readsAnEnginesStoredState);
    CPPUNIT_TEST(sizesAndTimesAreInPlainUnits);
    CPPUNIT_TEST_SUITE_END();

public:
    // The tables show local time: these tests read it in UTC.
    void setUp() override {
        ::setenv("TZ", "UTC", 1);
        ::tzset();
    }

    void sizesAndTimesAreInPlainUnits() {
        CPPUNIT_ASSERT_EQUAL(std::string("0 B"), plainSize(0));
        CPPUNIT_ASSERT_EQUAL(std::string("1023 B"), plainSize(1023));
        CPPUNIT_ASSERT_EQUAL(std::string("1.0 KB"), plainSize(1024));
        CPPUNIT_ASSERT_EQUAL(std::string("1.5 KB"), plainSize(1536));
        CPPUNIT_ASSERT_EQUAL(std::string("1.0 MB"), plainSize(1024 * 1024 - 1));
        CPPUNIT_ASSERT_EQUAL(std::string("2.3 GB"), plainSize(2469606195ULL));
        CPPUNIT_ASSERT_EQUAL(std::string("2007-10-01 15:00:32"), localTime(kPatentTime + 999));
        ::setenv("TZ", "JST-9", 1);
        ::tzset();
        CPPUNIT_ASSERT_EQUAL(std::string("2007-10-02 00:00:32"), localTime(kPatentTime));
        ::setenv("TZ", "UTC", 1);
        ::tzset();
    }

    void isoUtcFormatsMillisecondsToTheSecond() {
        CPPUNIT_ASSERT_EQUAL(std::string("1970-01-01T00:00:00Z"), isoUtc(0));
        CPPUNIT_ASSERT_EQUAL(std::string("2007-10-01T15:00:32Z"), isoUtc(kPatentTime));
        CPPUNIT_ASSERT_EQUAL(std::string("2007-10-01T15:00:32Z"), isoUtc(kPatentTime + 999));
        CPPUNIT_ASSERT_EQUAL(std::string("1969-12-31T23:59:59Z"), isoUtc(-1));
    }

    void groupTableListsRelaysThenShareableTerminals() {
        CPPUNIT_ASSERT_EQUAL(
            std::string("Relay groups\n"
                        "  GROUP               RELAY              DISPLAY NAME\n"
                        "  ------------------  -----------------  ------------\n"
                        "  0001@relay-server1  relay-server1@net  Tokyo\n"
                        "  0001@relay-server1  relay-server2@net  Osaka\n"
                        "Resource-shareable terminals\n"
                        "  GROUP               SHAREABLE TERMINAL          RELAY              DISPLAY NAME  DEPARTMENT\n"
                        "  ------------------  --------------------------  -----------------  ------------  ----------\n"
                        "  0001@relay-server1  client11@relay-server1.net  relay-server1@net  Tokyo PC 11   Sales\n"),
            renderGroupTable(exampleStatus()));
    }

    void shareTableListsMembersAndEntries() {
        const auto text = renderShareTable(exampleStatus());
        RS_ASSERT_CONTAINS(text,
                           "  20071001150032client11@relay-server1.net  workspace1  0001@relay-server1  "
                           "client11@relay-server1.net\n"
                           "                                                                            "
                           "client21@relay-server2.net\n");
        RS_ASSERT_CONTAINS(text, "Entries of workspace1 (20071001150032client11@relay-server1.net)\n");
        RS_ASSERT_CONTAINS(text, "  NAME         OWNER                       LOCATION             STATUS          KIND    "
                                 "  SIZE  MODIFIED             VERSION\n");
        RS_ASSERT_CONTAINS(text, "  file100.pdf  client31@relay-server3.net  c:/docs/file100.pdf  file not found  file      "
                                 "18 B  2007-10-01 15:00:33        2\n");
        RS_ASSERT_CONTAINS(text, "  folderA      client11@relay-server1.net  c:/folderA           ok              folder  "
                                 "2.0 KB  2007-10-01 15:00:32        1\n");
    }

    void emptyStateSaysNone() {
        NodeStatus status;
        status.account = "relay-server4@net";
        CPPUNIT_ASSERT_EQUAL(std::string("Relay groups: none\n"), renderGroupTable(status));
        CPPUNIT_ASSERT_EQUAL(std::string("Shared resources: none\n"), renderShareTable(status));
        auto with_group = exampleStatus();
        with_group.groups[0].terminals.clear();
        RS_ASSERT_CONTAINS(renderGroupTable(with_group), "Resource-shareable terminals\n  none\n");
        with_group.shares[0].entries.clear();
        RS_ASSERT_CONTAINS(renderShareTable(with_group), ")\n  none\n");
    }

    void nodeStatusHasAHeading() {
        const auto text = renderNodeStatus(exampleStatus());
        CPPUNIT_ASSERT_EQUAL(std::string("== relay-server1@net (relay)\nRelay groups\n"), text.substr(0, 42));
        RS_ASSERT_CONTAINS(text, "Shared resources\n");
    }

    void syncReportShowsCountsAndProblems() {
        auto report = exampleStatus().syncs[0];
        report.unreachable_nodes = {"relay-server2@net"};
        report.unknown_resources = {"folderX"};
        report.problems = {"client31: deletion limit"};
        const auto text = renderSyncReport(report);
        RS_ASSERT_CONTAINS(text, "SYNCHRONIZE                        SHARE                                     CHECKED  "
                                 "UNCHANGED  CHANGED  GONE  RECOVERED  UNREACHABLE\n");
        RS_ASSERT_CONTAINS(text, "client11@relay-server1.net/sync-1  20071001150032client11@relay-server1.net        7  "
                                 "        4        1     2          0            0\n");
        RS_ASSERT_CONTAINS(text, "not in the share: folderX\n");
        RS_ASSERT_CONTAINS(text, "could not be reached: relay-server2@net\n");
        RS_ASSERT_CONTAINS(text, "problem: client31: deletion limit\n");
    }

    void jsonHasAStableKeyOrder() {
        auto status = exampleStatus();
        status.shares[0].entries.pop_back();  // file100.pdf only
        status.syncs.clear();
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"account":"relay-server1@net","role":"relay","groups":[{"id":"0001@relay-server1",)"
                        R"("relays":[{"account":"relay-server1@net","display_name":"Tokyo"},)"
                        R"({"account":"relay-server2@net","display_name":"Osaka"}],)"
                        R"("terminals":[{"account":"client11@relay-server1.net","relay":"relay-server1@net",)"
                        R"("display_name":"Tokyo PC 11","department":"Sales"}]}],)"
                        R"("shares":[{"id":"20071001150032client11@relay-server1.net","name":"workspace1",)"
                        R"("group_id":"0001@relay-server1","creator":"client11@relay-server1.net",)"
                        R"("members":["client11@relay-server1.net","client21@relay-server2.net"],"version":1,)"
                        R"("entries":[{"name":"file100.pdf","owner":"client31@relay-server3.net",)"
                        R"("location":"c:/docs/file100.pdf","status":"file not found","kind":"file","size":18,)"
                        R"("modified":"2007-10-01T15:00:33Z","modified_ms":1191250833000,"hash":"sha256:ab",)"
                        R"("version":2}]}],"syncs":[]})"),
            toJsonText(statusToJson(status), 0));
    }

    void syncReportJson() {
        auto report = exampleStatus().syncs[0];
        report.problems = {"p"};
        CPPUNIT_ASSERT_EQUAL(
            std::string(R"({"sync_id":"client11@relay-server1.net/sync-1",)"
                        R"("share_id":"20071001150032client11@relay-server1.net","checked":7,"unchanged":4,)"
                        R"("changed":1,"gone":2,"recovered":0,"unreachable":0,"unknown_resources":[],)"
                        R"("unreachable_nodes":[],"problems":["p"],"more_unknown_resources":0,)"
                        R"("more_unreachable_nodes":0,"more_problems":0,"changed_entries":[],"gone_entries":[],)"
                        R"("recovered_entries":[],"unreachable_entries":[],"more_changed_entries":0,)"
                        R"("more_gone_entries":0,"more_recovered_entries":0,"more_unreachable_entries":0})"),
            toJsonText(syncReportToJson(report), 0));
    }

    void readsAnEnginesStoredState() {
        TempDir dir;
        Database database("sqlite:" + (dir / "relay1.db"));
        RelayEngine engine(database, "relay-server1@net", "Tokyo");
        const auto a = engine.createGroup(std::nullopt);
        const auto b = engine.createGroup(std::nullopt);
        const auto status = readNodeStatus(engine, NodeRole::relay);
        CPPUNIT_ASSERT_EQUAL(std::string("relay-server1@net"), status.account);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, status.groups.size());
        CPPUNIT_ASSERT_EQUAL(std::min(a, b), status.groups[0].id);
        CPPUNIT_ASSERT_EQUAL(std::string("Tokyo"), status.groups[0].relays.at(0).display_name);
        CPPUNIT_ASSERT(status.shares.empty());
        CPPUNIT_ASSERT(status.syncs.empty());
        RS_ASSERT_CONTAINS(renderGroupTable(status), "  0001@relay-server1  relay-server1@net  Tokyo\n");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StatusViewTest);

}  // namespace
}  // namespace relaysync::core
