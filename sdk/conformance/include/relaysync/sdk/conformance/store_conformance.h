#pragma once
// The store conformance suite: runs named cases against a ResourceStore whose root holds the
// standard fixture (fixture.h) and reports each as passed, failed (what was expected, what the
// store answered) or skipped (why). Needs only the SDK headers and the standard library, so an
// integrator can link it into any test program; relaysync-store-conformance runs it on the
// stores of a profile (docs/store-conformance.md).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <string>
#include <vector>

#include "relaysync/sdk/resource_store.h"

namespace relaysync::sdk::conformance {

enum class CaseOutcome { passed, failed, skipped };

const char* toString(CaseOutcome outcome) noexcept;

struct CaseResult {
    std::string name;     // e.g. "stat.files"
    std::string summary;  // what the case checks, one line
    CaseOutcome outcome = CaseOutcome::passed;
    // failed: each problem on its own line, what was expected and what the store answered;
    // skipped: why; passed: empty, or a note.
    std::string detail;
    std::chrono::milliseconds elapsed{0};
};

struct ConformanceOptions {
    // Whether the store's root holds the fixture's symlinks and the store follows them. False
    // for a store that cannot have them (an archive without links, an SMB share whose server
    // does not follow them): the symlink cases are then skipped, saying so, and listings are
    // compared without the links' names.
    bool symlinks = true;

    // Names the root may hold besides the fixture (a marker file the store checks for, a
    // share's own folders): left out when listings of the root are compared.
    std::vector<std::string> root_extras;

    // The concurrency case: threads calling at once, and for how long.
    unsigned threads = 8;
    std::chrono::milliseconds concurrency_duration{2000};

    // "Promptly": the longest a call with an expired deadline, or through a symlink loop, may
    // take. Generous, so that a slow machine does not fail a correct store.
    std::chrono::milliseconds prompt_limit{2000};
    // The deadline of every other call.
    std::chrono::milliseconds call_budget{30000};
    // A case that has not finished after this is reported as hung, and no further case runs.
    std::chrono::milliseconds case_timeout{120000};

    // The caller's help with the root, for the root cases; each is skipped, saying so, when a
    // hook it needs is missing. A hook throws (any std::exception) when it failed.
    //   break_root    makes the root unreachable (moves it away, unmounts it, stops the server);
    //   restore_root  undoes break_root or replace_root: the fixture is back where it was;
    //   replace_root  puts another folder, with other content, where the root was.
    std::function<void()> break_root;
    std::function<void()> restore_root;
    std::function<void()> replace_root;

    // Runs only the cases whose name starts with one of these (e.g. "read.", "root.removed");
    // empty: all.
    std::vector<std::string> only;

    // Called after each case, for progress output.
    std::function<void(const CaseResult&)> on_case;
};

struct ConformanceReport {
    std::string store;                 // the store's describe()
    std::uint32_t capabilities = 0;    // StoreCapability bits it declared
    std::vector<CaseResult> cases;     // in the order run
    // A case hung: a call into the store may still be running on an abandoned thread, so the
    // store, and whatever the root hooks use, must not be destroyed (a program should print the
    // report and exit) until hung_case_finished is ready, once that thread is done with the case.
    bool hung = false;
    std::shared_future<void> hung_case_finished;

    std::size_t count(CaseOutcome outcome) const;
    bool passed() const { return count(CaseOutcome::failed) == 0 && !hung; }
};

// The cases, in the order they run: name and what each checks.
struct CaseInfo {
    const char* name;
    const char* summary;
};
const std::vector<CaseInfo>& conformanceCases();

// Runs the suite. The store must be reachable, its root holding the fixture. Never throws for
// what the store does; the root hooks' exceptions are reported as the case's failure.
ConformanceReport runStoreConformance(ResourceStore& store, const ConformanceOptions& options);

// "list_details, root_identity" or "none".
std::string describeCapabilities(std::uint32_t capabilities);

// The report as a table with a header line and a summary line, for a terminal.
std::string formatReport(const ConformanceReport& report);

}  // namespace relaysync::sdk::conformance
