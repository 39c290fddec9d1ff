// Runs the cases one after the other, each on a thread of its own under a watchdog: a store
// that hangs fails the case that hung it instead of hanging the suite.

#include <chrono>
#include <exception>
#include <future>
#include <memory>
#include <thread>

#include "cases.h"

namespace relaysync::sdk::conformance {

namespace {

bool selected(const ConformanceOptions& options, const std::string& name) {
    if (options.only.empty()) return true;
    for (const auto& prefix : options.only)
        if (name.compare(0, prefix.size(), prefix) == 0) return true;
    return false;
}

// What a case thread owns, so that an abandoned thread uses nothing the suite has freed (the
// store excepted: ConformanceReport::hung tells the caller to keep it).
struct CaseRun {
    CaseRun(ResourceStore& store, const ConformanceOptions& o) : options(o), context(store, options) {}
    const ConformanceOptions options;
    CaseContext context;
    std::promise<void> done;
};

CaseResult runOne(ResourceStore& store, const ConformanceOptions& options, const CaseDefinition& definition,
                  ConformanceReport& report) {
    CaseResult result{definition.name, definition.summary, CaseOutcome::passed, {}, {}};
    const auto start = std::chrono::steady_clock::now();
    auto run = std::make_shared<CaseRun>(store, options);
    auto finished = run->done.get_future().share();
    std::thread worker([run, body = definition.body] {
        try {
            body(run->context);
        } catch (const std::exception& e) {  // the suite's own failure (a hook's is caught earlier)
            run->context.fail(std::string("the case stopped on an exception: ") + e.what());
        } catch (...) {
            run->context.fail("the case stopped on an unknown exception");
        }
        run->done.set_value();  // the last thing the case does: after it, only its own state is freed
    });
    if (finished.wait_for(options.case_timeout) == std::future_status::ready) {
        worker.join();
        result.outcome = run->context.outcome();
        result.detail = run->context.detail();
    } else {
        worker.detach();
        report.hung = true;
        report.hung_case_finished = finished;
        result.outcome = CaseOutcome::failed;
        result.detail = "did not finish within " + std::to_string(options.case_timeout.count()) +
                        " ms: a call into the store hangs (it must return by its deadline)";
    }
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    return result;
}

}  // namespace

ConformanceReport runStoreConformance(ResourceStore& store, const ConformanceOptions& options) {
    ConformanceReport report;
    try {
        report.store = store.describe();
        report.capabilities = store.capabilities();
    } catch (...) {  // reported by the cases, which call them again
        report.store = "(describe() threw)";
    }
    for (const auto& definition : caseDefinitions()) {
        if (!selected(options, definition.name)) continue;
        CaseResult result{definition.name, definition.summary, CaseOutcome::skipped, {}, {}};
        if (report.hung)
            result.detail = "not run: an earlier case hung, and the store may still be busy with it";
        else
            result = runOne(store, options, definition, report);
        if (options.on_case) options.on_case(result);
        report.cases.push_back(std::move(result));
    }
    return report;
}

}  // namespace relaysync::sdk::conformance
