// Not found (the entity is gone) against invalid_argument (the request is wrong): core treats
// the first as a deletion, so a store must never give it for a path it should have refused.

#include "cases.h"
#include "describe.h"

namespace relaysync::sdk::conformance {

namespace {

// Calls stat, list and read (when the store reads) on `path` and expects `code` from each.
void expectEveryMethod(CaseContext& c, const std::string& path, StatusCode code, const std::string& why) {
    EntityDetails details;
    c.expectCode("stat " + quotedPath(path), c.stat(c.call(), path, details), code, why);
    FolderListing items;
    c.expectCode("list " + quotedPath(path), c.list(c.call(), path, items), code, why);
    if (!c.has(StoreCapability::content)) return;
    std::vector<char> bytes;
    c.expectCode("read " + quotedPath(path), c.read(c.call(), path, 0, 100, bytes), code, why);
}

}  // namespace

void pathsNotFound(CaseContext& c) {
    const char* why = "the root is reachable and nothing has that name";
    for (const char* path : {"missing.txt", "docs/missing.txt", "missing-folder/below.txt", "empty-folder/missing",
                             "docs/nested/missing/below.txt", "hello.txt/below"})
        expectEveryMethod(c, path, StatusCode::not_found, why);
}

void pathsInvalid(CaseContext& c) {
    struct Bad {
        std::string path;
        const char* why;
    };
    const char* absolute = "absolute: store paths are relative to the root";
    const char* dotdot = "contains a '..' component";
    const char* spelling = "paths are spelled one way only: no empty or '.' components";
    const Bad bad[] = {
        {"/hello.txt", absolute},
        {"/", absolute},
        {"//hello.txt", absolute},
        {"..", dotdot},
        {"../hello.txt", dotdot},
        {"docs/..", dotdot},
        {"docs/../hello.txt", dotdot},
        {"missing/../hello.txt", dotdot},
        {"docs//report.txt", spelling},
        {"./hello.txt", spelling},
        {".", spelling},
        {"docs/./report.txt", spelling},
        {"docs/.", spelling},
        {"docs/", spelling},
        {"hello.txt/", spelling},
        {std::string("hello.txt\0.bak", 14), "a NUL byte cannot be in a path"},
        {std::string("\0", 1), "a NUL byte cannot be in a path"},
    };
    for (const auto& b : bad) expectEveryMethod(c, b.path, StatusCode::invalid_argument, b.why);
}

}  // namespace relaysync::sdk::conformance
