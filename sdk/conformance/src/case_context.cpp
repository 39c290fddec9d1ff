#include "case_context.h"

#include <exception>

namespace relaysync::sdk::conformance {

namespace {

// Enough to see the pattern; the rest is counted.
constexpr std::size_t kMaxProblems = 12;

std::string milliseconds(std::chrono::steady_clock::duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

}  // namespace

CaseContext::CaseContext(ResourceStore& store, const ConformanceOptions& options)
    : store_(store), options_(options) {
    try {
        capabilities_ = store_.capabilities();
    } catch (const std::exception& e) {
        fail(std::string("capabilities() threw: ") + e.what());
    } catch (...) {
        fail("capabilities() threw an unknown exception");
    }
}

template <class Call>
Status CaseContext::guarded(const char* method, Call&& call) {
    // The contract says a store never throws; the suite reports it instead of dying of it.
    try {
        return call();
    } catch (const std::exception& e) {
        fail(std::string(method) + " threw: " + e.what() + " (errors must be returned as Status values)");
        return Status::internal(std::string("threw: ") + e.what());
    } catch (...) {
        fail(std::string(method) + " threw an unknown exception (errors must be returned as Status values)");
        return Status::internal("threw an unknown exception");
    }
}

Status CaseContext::probe(const CallContext& call, RootProbe& probe) {
    return guarded("probe()", [&] { return store_.probe(call, probe); });
}

Status CaseContext::stat(const CallContext& call, const std::string& path, EntityDetails& details) {
    return guarded("stat()", [&] { return store_.stat(call, path, details); });
}

Status CaseContext::list(const CallContext& call, const std::string& path, FolderListing& items) {
    return guarded("list()", [&] { return store_.list(call, path, items); });
}

Status CaseContext::read(const CallContext& call, const std::string& path, std::uint64_t offset,
                         std::size_t max_bytes, std::vector<char>& bytes) {
    return guarded("read()", [&] { return store_.read(call, path, offset, max_bytes, bytes); });
}

Status CaseContext::readWhole(const std::string& path, std::size_t chunk, std::uint64_t limit, std::string& content) {
    content.clear();
    std::vector<char> bytes;
    for (;;) {
        if (auto s = read(call(), path, content.size(), chunk, bytes); !s.isOk()) return s;
        if (bytes.empty()) return Status::ok();
        if (bytes.size() > chunk)
            return Status::ioError("read gave " + std::to_string(bytes.size()) + " bytes for max_bytes " +
                                   std::to_string(chunk) + " at offset " + std::to_string(content.size()));
        content.append(bytes.begin(), bytes.end());
        if (content.size() > limit)
            return Status::ioError("read gave more than the file's " + std::to_string(limit) +
                                   " bytes without reaching an end (an empty read)");
    }
}

void CaseContext::fail(const std::string& problem) {
    std::lock_guard lock(mutex_);
    if (problems_.size() < kMaxProblems) problems_.push_back(problem);
    ++problem_count_;
}

void CaseContext::skip(const std::string& why) {
    std::lock_guard lock(mutex_);
    skipped_ = why;
}

void CaseContext::note(const std::string& text) {
    std::lock_guard lock(mutex_);
    notes_.push_back(text);
}

bool CaseContext::expectCode(const std::string& call, const Status& got, StatusCode expected, const std::string& why) {
    if (got.code() == expected) return true;
    fail(call + ": expected " + toString(expected) + (why.empty() ? "" : " (" + why + ")") + ", store answered " +
         got.toString());
    return false;
}

bool CaseContext::expectRefusal(const std::string& call, const Status& got, const std::string& why) {
    if (!got.isOk() && !got.isNotFound() && !got.isUnreachable()) return true;
    fail(call + ": expected an error other than not_found and unreachable (" + why + "), store answered " +
         got.toString());
    return false;
}

bool CaseContext::expectPrompt(const std::string& call, std::chrono::steady_clock::duration elapsed,
                               const std::string& why) {
    if (elapsed <= options_.prompt_limit) return true;
    fail(call + ": took " + milliseconds(elapsed) + ", expected at most " + milliseconds(options_.prompt_limit) +
         " (" + why + ")");
    return false;
}

CaseOutcome CaseContext::outcome() const {
    std::lock_guard lock(mutex_);
    if (problem_count_ > 0) return CaseOutcome::failed;
    return skipped_.empty() ? CaseOutcome::passed : CaseOutcome::skipped;
}

std::string CaseContext::detail() const {
    std::lock_guard lock(mutex_);
    std::string text;
    const auto line = [&](const std::string& s) { text += (text.empty() ? "" : "\n") + s; };
    if (problem_count_ > 0) {
        for (const auto& p : problems_) line(p);
        if (problem_count_ > problems_.size())
            line("... and " + std::to_string(problem_count_ - problems_.size()) + " more");
    } else if (!skipped_.empty()) {
        line(skipped_);
    }
    for (const auto& n : notes_) line("note: " + n);
    return text;
}

}  // namespace relaysync::sdk::conformance
