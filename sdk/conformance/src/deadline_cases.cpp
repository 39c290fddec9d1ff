// A call whose deadline has passed answers unreachable at once: core gave up waiting, and an
// answer it no longer waits for must not read as "the entity is there" or "gone".

#include <chrono>
#include <functional>

#include "cases.h"
#include "describe.h"

namespace relaysync::sdk::conformance {

void deadlineExpired(CaseContext& c) {
    using Clock = std::chrono::steady_clock;
    const char* why = "past the call's deadline a method returns unreachable instead of waiting on";
    const auto expect = [&](const std::string& call, const std::function<Status(const CallContext&)>& body) {
        const auto start = Clock::now();
        const Status s = body(CaseContext::expired());
        c.expectPrompt(call, Clock::now() - start, why);
        c.expectCode(call, s, StatusCode::unreachable, why);
    };
    RootProbe probe;
    expect("probe with an expired deadline", [&](const CallContext& call) { return c.probe(call, probe); });
    for (const char* path : {"", "hello.txt", "docs", "missing.txt"}) {
        EntityDetails details;
        expect("stat " + quotedPath(path) + " with an expired deadline",
               [&](const CallContext& call) { return c.stat(call, path, details); });
    }
    for (const char* path : {"", "docs"}) {
        FolderListing items;
        expect("list " + quotedPath(path) + " with an expired deadline",
               [&](const CallContext& call) { return c.list(call, path, items); });
    }
    if (!c.has(StoreCapability::content)) return;
    for (const char* path : {"hello.txt", "large.bin"}) {
        std::vector<char> bytes;
        expect("read " + quotedPath(path) + " with an expired deadline",
               [&](const CallContext& call) { return c.read(call, path, 0, 2 * 1024 * 1024, bytes); });
    }
}

}  // namespace relaysync::sdk::conformance
