// Each defect of the in-memory store breaks one rule of the contract: the suite must fail the
// case that checks that rule (the defect-free store passes every case: suite_options_test).

#include <cppunit/extensions/HelperMacros.h>

#include "fixture_store.h"
#include "relaysync/sdk/conformance/store_conformance.h"

namespace relaysync::tests {

namespace {

using namespace sdk::conformance;

struct Expectation {
    const char* defect_name;
    Defect defect;
    const char* failing_case;
    std::uint32_t capabilities = FixtureStore::kAllCapabilities;
};

const Expectation kExpectations[] = {
    {"throws", Defect::throws, "stat.files"},
    {"unstable_root_identity", Defect::unstable_root_identity, "probe.stable"},
    {"reads_without_content", Defect::reads_without_content, "capabilities.content",
     FixtureStore::kAllCapabilities & ~sdk::StoreCapability::content},
    {"list_details_disagree", Defect::list_details_disagree, "capabilities.list_details"},
    {"shared_identity", Defect::shared_identity, "capabilities.entity_identity"},
    {"wrong_file_size", Defect::wrong_file_size, "stat.files"},
    {"lists_dot_entries", Defect::lists_dot_entries, "list.names"},
    {"lists_a_file", Defect::lists_a_file, "list.file_is_not_a_folder"},
    {"chunk_off_by_one", Defect::chunk_off_by_one, "read.whole"},
    {"error_past_end", Defect::error_past_end, "read.bounds"},
    {"appends_outputs", Defect::appends_outputs, "outputs.replaced"},
    {"missing_as_unreachable", Defect::missing_as_unreachable, "paths.not_found"},
    {"lets_dotdot_through", Defect::lets_dotdot_through, "paths.invalid"},
    {"collapses_empty_components", Defect::collapses_empty_components, "paths.invalid"},
    {"follows_links_out", Defect::follows_links_out, "symlinks.outside"},
    {"slow_loop", Defect::slow_loop, "symlinks.loop"},
    {"lists_loops", Defect::lists_loops, "symlinks.loop"},
    {"lists_loops", Defect::lists_loops, "list.names"},
    {"ignores_deadline", Defect::ignores_deadline, "deadline.expired"},
    {"one_call_at_a_time", Defect::one_call_at_a_time, "concurrency.threads"},
    {"not_found_when_root_gone", Defect::not_found_when_root_gone, "root.removed"},
    {"same_identity_when_replaced", Defect::same_identity_when_replaced, "root.replaced"},
};

}  // namespace

class SuiteCatchesDefectsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SuiteCatchesDefectsTest);
    CPPUNIT_TEST(testEachDefectFailsItsCase);
    CPPUNIT_TEST_SUITE_END();

public:
    void testEachDefectFailsItsCase() {
        std::string missed;
        for (const auto& e : kExpectations) {
            FixtureStore store(e.defect, e.capabilities);
            ConformanceOptions options;
            options.only = {e.failing_case};
            options.prompt_limit = std::chrono::milliseconds(200);  // slow_loop takes 400 ms a call
            options.concurrency_duration = std::chrono::milliseconds(300);
            options.break_root = [&] { store.setRoot(FixtureStore::Root::gone); };
            options.restore_root = [&] { store.setRoot(FixtureStore::Root::fixture); };
            options.replace_root = [&] { store.setRoot(FixtureStore::Root::other); };
            const ConformanceReport report = runStoreConformance(store, options);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(e.failing_case, std::size_t{1}, report.cases.size());
            const CaseResult& result = report.cases.front();
            if (result.outcome != CaseOutcome::failed || result.detail.empty())
                missed += std::string("\n  ") + e.defect_name + ": " + e.failing_case + " " + toString(result.outcome) +
                          (result.detail.empty() ? "" : " (" + result.detail + ")");
        }
        CPPUNIT_ASSERT_MESSAGE("defects the suite did not catch:" + missed, missed.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SuiteCatchesDefectsTest);

}  // namespace relaysync::tests
