// The domain model's own small rules: lookups in a relay group, share membership, and how
// synchronize reports add up.
#include <cppunit/extensions/HelperMacros.h>

#include "protocol/bodies.h"

#include "core_test_support.h"
#include "model/relay_group.h"
#include "model/share.h"
#include "model/sync_report.h"

namespace relaysync::core::coretest {

class ModelTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ModelTest);
    CPPUNIT_TEST(groupFindsRelaysAndTerminalsByAccount);
    CPPUNIT_TEST(relayOfNamesTheTerminalsRelayOnlyWhenAdmitted);
    CPPUNIT_TEST(shareMembershipIsByExactAccount);
    CPPUNIT_TEST(reportMergeAddsCountsAndAppendsLists);
    CPPUNIT_TEST(reportSummaryListsCountsAndEveryProblem);
    CPPUNIT_TEST(reportKeepsCountsAndABoundedListOfExamples);
    CPPUNIT_TEST_SUITE_END();

public:
    void groupFindsRelaysAndTerminalsByAccount() {
        RelayGroup group;
        group.id = "0001@relay-server1";
        group.relays = {{kRelay1, "Branch A"}, {kRelay2, ""}};
        group.terminals = {makeTerminal(kClient11, kRelay1, 1), makeTerminal(kClient21, kRelay2, 4)};

        CPPUNIT_ASSERT(group.findRelay(kRelay2) != nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("Branch A"), group.findRelay(kRelay1)->display_name);
        CPPUNIT_ASSERT(group.findRelay("relay-server3@net") == nullptr);
        CPPUNIT_ASSERT(group.hasRelay(kRelay1));
        CPPUNIT_ASSERT(!group.hasRelay(kClient11));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, group.findTerminal(kClient21)->version);
        CPPUNIT_ASSERT(group.findTerminal(kClient12) == nullptr);
    }

    void relayOfNamesTheTerminalsRelayOnlyWhenAdmitted() {
        RelayGroup group;
        group.terminals = {makeTerminal(kClient21, kRelay2, 1)};
        CPPUNIT_ASSERT(group.relayOf(kClient21).has_value());
        CPPUNIT_ASSERT_EQUAL(kRelay2, *group.relayOf(kClient21));
        CPPUNIT_ASSERT(!group.relayOf(kClient11).has_value());
        CPPUNIT_ASSERT(!group.relayOf(kRelay2).has_value());
    }

    void shareMembershipIsByExactAccount() {
        const auto workspace = makeShare("s1", {kClient11, kClient21});
        CPPUNIT_ASSERT(workspace.isMember(kClient11));
        CPPUNIT_ASSERT(workspace.isMember(kClient21));
        CPPUNIT_ASSERT(!workspace.isMember(kClient12));
        CPPUNIT_ASSERT(!workspace.isMember("client11"));
        CPPUNIT_ASSERT(!workspace.isMember(""));
    }

    void reportMergeAddsCountsAndAppendsLists() {
        SyncReport total;
        total.sync_id = "r1/sync-1";
        total.checked = 3;
        total.unchanged = 3;
        total.problems = {"first"};
        SyncReport part;
        part.sync_id = "other";
        part.checked = 4;
        part.unchanged = 1;
        part.changed = 1;
        part.gone = 1;
        part.recovered = 1;
        part.unreachable = 1;
        part.unknown_resources = {"folderX"};
        part.unreachable_nodes = {kClient21};
        part.problems = {"second"};

        total.merge(part);
        CPPUNIT_ASSERT_EQUAL(std::string("r1/sync-1"), total.sync_id);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{7}, total.checked);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, total.unchanged);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, total.changed);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, total.gone);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, total.recovered);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, total.unreachable);
        CPPUNIT_ASSERT(total.unknown_resources == std::vector<std::string>{"folderX"});
        CPPUNIT_ASSERT(total.unreachable_nodes == std::vector<std::string>{kClient21});
        CPPUNIT_ASSERT((total.problems == std::vector<std::string>{"first", "second"}));
    }

    void reportSummaryListsCountsAndEveryProblem() {
        SyncReport report;
        report.checked = 12;
        report.unchanged = 9;
        report.changed = 2;
        report.gone = 1;
        report.unknown_resources = {"folderQ"};
        report.unreachable_nodes = {kRelay2};
        report.problems = {"client31: deletion limit"};
        const auto text = report.summary();
        RS_ASSERT_CONTAINS(text, "checked 12: 9 unchanged, 2 changed, 1 gone, 0 recovered, 0 unreachable");
        RS_ASSERT_CONTAINS(text, "not in the share: folderQ");
        RS_ASSERT_CONTAINS(text, "could not be reached: " + kRelay2);
        RS_ASSERT_CONTAINS(text, "client31: deletion limit");
    }
    // However many nodes answer, a report stays small: counts, and at most 50 examples of each.
    void reportKeepsCountsAndABoundedListOfExamples() {
        SyncReport total;
        for (int node = 0; node < 30; ++node) {
            SyncReport part;
            part.checked = 10;
            for (int i = 0; i < 10; ++i) part.problems.push_back("node " + std::to_string(node) + " problem " + std::to_string(i));
            part.unreachable_nodes.push_back("node" + std::to_string(node) + "@net");
            total.merge(part);
        }
        CPPUNIT_ASSERT_EQUAL(std::int64_t{300}, total.checked);
        CPPUNIT_ASSERT_EQUAL(SyncReport::kMaxExamples, total.problems.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{250}, total.more_problems);
        CPPUNIT_ASSERT_EQUAL(std::size_t{30}, total.unreachable_nodes.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, total.more_unreachable_nodes);
        RS_ASSERT_CONTAINS(total.summary(), "and 250 more problems");
        // The counts travel: a report read back keeps them, and one with too many examples is cut.
        auto oversized = total;
        oversized.problems.resize(500, "x");
        oversized.changed_entries.resize(80, "e (o)");
        const auto back = reportFromJson(toJson(oversized), "report");
        CPPUNIT_ASSERT_EQUAL(SyncReport::kMaxExamples, back.problems.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{250 + 450}, back.more_problems);
        CPPUNIT_ASSERT_EQUAL(SyncReport::kMaxExamples, back.changed_entries.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{30}, back.more_changed_entries);
        // Entries named as they are counted, 50 at most, the rest counted.
        SyncReport noted;
        for (int i = 0; i < 60; ++i) SyncReport::note(noted.gone_entries, noted.more_gone_entries, "f" + std::to_string(i));
        CPPUNIT_ASSERT_EQUAL(SyncReport::kMaxExamples, noted.gone_entries.size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t{10}, noted.more_gone_entries);
        RS_ASSERT_CONTAINS(noted.summary(), "gone: f0");
        RS_ASSERT_CONTAINS(noted.summary(), "and 10 more gone");
    }

};

CPPUNIT_TEST_SUITE_REGISTRATION(ModelTest);

}  // namespace relaysync::core::coretest
