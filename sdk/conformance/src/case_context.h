#pragma once
// What a case works with: the store, the options, and a record of what went wrong. Cases call
// the store through it, so that an exception escaping the store is reported rather than thrown
// at the suite, and state their expectations through it, so that every failure message says
// the call, what was expected and what the store answered.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "relaysync/sdk/call_context.h"
#include "relaysync/sdk/conformance/store_conformance.h"
#include "relaysync/sdk/resource_store.h"

namespace relaysync::sdk::conformance {

class CaseContext {
public:
    CaseContext(ResourceStore& store, const ConformanceOptions& options);

    const ConformanceOptions& options() const { return options_; }
    bool has(std::uint32_t capability) const { return (capabilities_ & capability) != 0; }

    // A deadline of options().call_budget from now: what ordinary calls get.
    CallContext call() const { return CallContext::within(options_.call_budget); }
    // A deadline already one second past.
    static CallContext expired() { return CallContext{Clock::now() - std::chrono::seconds(1)}; }

    // The store's methods. An exception escaping one is recorded as a failure and answered as
    // internal. Thread-safe, like the store.
    Status probe(const CallContext& call, RootProbe& probe);
    Status stat(const CallContext& call, const std::string& path, EntityDetails& details);
    Status list(const CallContext& call, const std::string& path, FolderListing& items);
    Status read(const CallContext& call, const std::string& path, std::uint64_t offset, std::size_t max_bytes,
                std::vector<char>& bytes);
    // Reads a whole file in chunks of `chunk` bytes until a read gives none. Gives up (io_error)
    // when it gets more than `limit` bytes: a store that never says "end" must not loop forever.
    Status readWhole(const std::string& path, std::size_t chunk, std::uint64_t limit, std::string& content);

    // Records one problem; the case fails. Thread-safe.
    void fail(const std::string& problem);
    // The case does not apply to this store: it is reported as skipped with `why`.
    void skip(const std::string& why);
    // Said with the outcome, e.g. how much the concurrency case did.
    void note(const std::string& text);

    // Records a failure unless `got` has the code `expected`; returns whether it had. `call`
    // names the call ("stat 'x'"), `why` the rule it checks, for the message.
    bool expectCode(const std::string& call, const Status& got, StatusCode expected, const std::string& why = {});
    bool expectOk(const std::string& call, const Status& got) { return expectCode(call, got, StatusCode::ok); }
    // The entity is there and the root reachable, but the request does not fit it (listing a
    // file): any error but not_found (it would read as gone) and unreachable.
    bool expectRefusal(const std::string& call, const Status& got, const std::string& why);
    // Records a failure unless a call that took `elapsed` was within options().prompt_limit.
    bool expectPrompt(const std::string& call, std::chrono::steady_clock::duration elapsed, const std::string& why);

    CaseOutcome outcome() const;
    std::string detail() const;

private:
    template <class Call>
    Status guarded(const char* method, Call&& call);

    ResourceStore& store_;
    const ConformanceOptions& options_;
    std::uint32_t capabilities_ = 0;

    mutable std::mutex mutex_;
    std::vector<std::string> problems_;  // the first kMaxProblems
    std::size_t problem_count_ = 0;
    std::string skipped_;
    std::vector<std::string> notes_;
};

}  // namespace relaysync::sdk::conformance
