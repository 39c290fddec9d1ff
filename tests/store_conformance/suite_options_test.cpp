// The suite against the defect-free in-memory store: everything passes with every capability
// and hook; what cannot apply is skipped with a reason, never passed silently; a hanging store
// fails the case and stops the suite instead of hanging it.

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <map>
#include <stdexcept>

#include "fixture_store.h"
#include "relaysync/sdk/conformance/store_conformance.h"

namespace relaysync::tests {

namespace {

using namespace sdk::conformance;

ConformanceOptions quickOptions(FixtureStore& store) {
    ConformanceOptions options;
    options.concurrency_duration = std::chrono::milliseconds(300);
    options.break_root = [&store] { store.setRoot(FixtureStore::Root::gone); };
    options.restore_root = [&store] { store.setRoot(FixtureStore::Root::fixture); };
    options.replace_root = [&store] { store.setRoot(FixtureStore::Root::other); };
    return options;
}

// "name: outcome (detail)" for every case that is not `outcome`.
std::string casesNot(const ConformanceReport& report, CaseOutcome outcome) {
    std::string text;
    for (const auto& c : report.cases)
        if (c.outcome != outcome) text += "\n  " + c.name + ": " + toString(c.outcome) + " (" + c.detail + ")";
    return text;
}

std::map<std::string, std::string> skipped(const ConformanceReport& report) {
    std::map<std::string, std::string> found;
    for (const auto& c : report.cases)
        if (c.outcome == CaseOutcome::skipped) found[c.name] = c.detail;
    return found;
}

}  // namespace

class SuiteOptionsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SuiteOptionsTest);
    CPPUNIT_TEST(testCorrectStorePassesEveryCase);
    CPPUNIT_TEST(testUndeclaredCapabilitiesSkipTheirCases);
    CPPUNIT_TEST(testNoSymlinksSkipsTheLinkCases);
    CPPUNIT_TEST(testMissingHooksSkipTheRootCases);
    CPPUNIT_TEST(testFailingHookFailsTheCase);
    CPPUNIT_TEST(testRootExtrasAreLeftOutOfTheRootListing);
    CPPUNIT_TEST(testOnlyRunsTheNamedCases);
    CPPUNIT_TEST(testHangingStoreFailsTheCaseAndStopsTheSuite);
    CPPUNIT_TEST(testReportTableShowsOutcomesAndReasons);
    CPPUNIT_TEST_SUITE_END();

public:
    void testCorrectStorePassesEveryCase() {
        FixtureStore store;
        const ConformanceReport report = runStoreConformance(store, quickOptions(store));
        CPPUNIT_ASSERT_EQUAL(conformanceCases().size(), report.cases.size());
        CPPUNIT_ASSERT_MESSAGE("cases that did not pass:" + casesNot(report, CaseOutcome::passed), report.passed());
        CPPUNIT_ASSERT_EQUAL(report.cases.size(), report.count(CaseOutcome::passed));
    }

    void testUndeclaredCapabilitiesSkipTheirCases() {
        FixtureStore store(Defect::none, 0);
        const ConformanceReport report = runStoreConformance(store, quickOptions(store));
        CPPUNIT_ASSERT_MESSAGE("failed:" + casesNot(report, CaseOutcome::passed), report.passed());
        const auto found = skipped(report);
        for (const char* name : {"capabilities.list_details", "capabilities.entity_identity", "read.whole",
                                 "read.bounds", "read.folder_is_not_a_file", "root.replaced"}) {
            CPPUNIT_ASSERT_MESSAGE(std::string(name) + " not skipped", found.count(name) == 1);
            CPPUNIT_ASSERT_MESSAGE(std::string(name) + " skipped without a reason", !found.at(name).empty());
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t{6}, found.size());
    }

    void testNoSymlinksSkipsTheLinkCases() {
        FixtureStore store;
        ConformanceOptions options = quickOptions(store);
        options.symlinks = false;
        const ConformanceReport report = runStoreConformance(store, options);
        CPPUNIT_ASSERT_MESSAGE("failed:" + casesNot(report, CaseOutcome::passed), report.passed());
        const auto found = skipped(report);
        CPPUNIT_ASSERT_EQUAL(std::size_t{3}, found.size());
        for (const auto& [name, why] : found) {
            CPPUNIT_ASSERT_EQUAL(std::string("symlinks."), name.substr(0, 9));
            CPPUNIT_ASSERT_MESSAGE(why, why.find("no symlinks") != std::string::npos);
        }
    }

    void testMissingHooksSkipTheRootCases() {
        FixtureStore store;
        ConformanceOptions options = quickOptions(store);
        options.break_root = nullptr;
        options.replace_root = nullptr;
        options.only = {"root."};
        const ConformanceReport report = runStoreConformance(store, options);
        const auto found = skipped(report);
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, found.size());
        CPPUNIT_ASSERT_MESSAGE(found.at("root.removed"), found.at("root.removed").find("break_root") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(found.at("root.replaced"),
                               found.at("root.replaced").find("replace_root") != std::string::npos);
    }

    void testFailingHookFailsTheCase() {
        FixtureStore store;
        ConformanceOptions options = quickOptions(store);
        options.break_root = [] { throw std::runtime_error("mv: cannot move"); };
        options.only = {"root.removed"};
        const ConformanceReport report = runStoreConformance(store, options);
        CPPUNIT_ASSERT(report.cases.at(0).outcome == CaseOutcome::failed);
        CPPUNIT_ASSERT_MESSAGE(report.cases.at(0).detail,
                               report.cases.at(0).detail.find("break_root failed: mv: cannot move") != std::string::npos);
    }

    void testRootExtrasAreLeftOutOfTheRootListing() {
        FixtureStore store;
        store.addRootFile(".relaysync-root");
        ConformanceOptions options = quickOptions(store);
        options.only = {"list.names"};
        const ConformanceReport strict = runStoreConformance(store, options);
        CPPUNIT_ASSERT_MESSAGE(strict.cases.at(0).detail,
                               strict.cases.at(0).detail.find("'.relaysync-root' (file)") != std::string::npos);
        options.root_extras = {".relaysync-root"};
        const ConformanceReport lenient = runStoreConformance(store, options);
        CPPUNIT_ASSERT_MESSAGE(lenient.cases.at(0).detail, lenient.passed());
    }

    void testOnlyRunsTheNamedCases() {
        FixtureStore store;
        ConformanceOptions options = quickOptions(store);
        options.only = {"read.", "stat.root"};
        const ConformanceReport report = runStoreConformance(store, options);
        std::string names;
        for (const auto& c : report.cases) names += c.name + " ";
        CPPUNIT_ASSERT_EQUAL(std::string("stat.root read.whole read.bounds read.folder_is_not_a_file "), names);
    }

    void testHangingStoreFailsTheCaseAndStopsTheSuite() {
        FixtureStore store(Defect::hangs_on_stat);
        ConformanceOptions options = quickOptions(store);
        options.case_timeout = std::chrono::milliseconds(300);
        options.only = {"stat.files", "stat.folders"};
        const ConformanceReport report = runStoreConformance(store, options);
        // Released, the abandoned case goes on; the store must outlive it.
        store.release();
        CPPUNIT_ASSERT(report.hung_case_finished.valid());
        report.hung_case_finished.wait();

        CPPUNIT_ASSERT(report.hung);
        CPPUNIT_ASSERT(!report.passed());
        CPPUNIT_ASSERT(report.cases.at(0).outcome == CaseOutcome::failed);
        CPPUNIT_ASSERT_MESSAGE(report.cases.at(0).detail,
                               report.cases.at(0).detail.find("did not finish") != std::string::npos);
        CPPUNIT_ASSERT(report.cases.at(1).outcome == CaseOutcome::skipped);
        CPPUNIT_ASSERT_MESSAGE(report.cases.at(1).detail, report.cases.at(1).detail.find("hung") != std::string::npos);
    }

    void testReportTableShowsOutcomesAndReasons() {
        FixtureStore store(Defect::wrong_file_size, FixtureStore::kAllCapabilities & ~sdk::StoreCapability::list_details);
        ConformanceOptions options = quickOptions(store);
        options.only = {"stat.files", "capabilities.list_details", "stat.root"};
        const std::string table = formatReport(runStoreConformance(store, options));
        for (const char* expected : {"store fixture-in-memory (capabilities: root_identity, entity_identity, content)",
                                     "FAILED",
                                     "stat 'large.bin': expected a file of 1052675 bytes, store answered file, 1052674 bytes",
                                     "skipped", "does not declare list_details", "passed",
                                     "1 passed, 1 failed, 1 skipped"})
            CPPUNIT_ASSERT_MESSAGE(std::string(expected) + " not in:\n" + table, table.find(expected) != std::string::npos);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SuiteOptionsTest);

}  // namespace relaysync::tests
