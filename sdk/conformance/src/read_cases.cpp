#include <cstdint>
#include <limits>

#include "cases.h"
#include "describe.h"
#include "expected.h"

namespace relaysync::sdk::conformance {

namespace {

const char* kNoContent = "the store does not declare the content capability (capabilities.content checks its refusal)";

std::string firstDifference(const std::string& expected, const std::string& got) {
    std::size_t at = 0;
    while (at < expected.size() && at < got.size() && expected[at] == got[at]) ++at;
    return "expected " + std::to_string(expected.size()) + " bytes, store gave " + std::to_string(got.size()) +
           ", first difference at byte " + std::to_string(at);
}

}  // namespace

// Shared with the symlink cases: the file's content, read in chunks, is `expected`.
void expectContent(CaseContext& c, const std::string& path, const std::string& expected, std::size_t chunk) {
    std::string got;
    const std::string call = "read " + quotedPath(path) + " in chunks of " + std::to_string(chunk) + " bytes";
    if (!c.expectOk(call, c.readWhole(path, chunk, expected.size() + chunk, got))) return;
    if (got != expected) c.fail(call + ": " + firstDifference(expected, got));
}

void readWhole(CaseContext& c) {
    if (!c.has(StoreCapability::content)) return c.skip(kNoContent);
    // A chunk size that is no power of two catches offset arithmetic a round one would hide.
    for (const auto* file : fixtureFiles()) {
        expectContent(c, file->path, file->content, 64 * 1024);
        if (file->content.size() > 4096) expectContent(c, file->path, file->content, 4093);
    }
    // In one call, as a checker hashing a small file would.
    const FixtureItem& large = *findFixtureItem("large.bin");
    expectContent(c, large.path, large.content, large.content.size() + 1);
}

void readBounds(CaseContext& c) {
    if (!c.has(StoreCapability::content)) return c.skip(kNoContent);
    const FixtureItem& large = *findFixtureItem("large.bin");
    const std::uint64_t size = large.content.size();
    struct Bounds {
        const char* what;
        std::string path;
        std::uint64_t offset;
        std::size_t max_bytes;
        std::string expected;
    };
    const std::size_t middle = 1'000'003;
    const Bounds reads[] = {
        {"at the end", large.path, size, 100, ""},
        {"past the end", large.path, size + 1, 100, ""},
        {"at the largest offset", large.path, std::numeric_limits<std::uint64_t>::max(), 100, ""},
        {"with max_bytes 0", large.path, 0, 0, ""},
        {"from the middle", large.path, middle, 10, large.content.substr(middle, 10)},
        {"across the end", large.path, size - 5, 100, large.content.substr(size - 5)},
        // Sized by the file, never by max_bytes.
        {"with the largest max_bytes", "hello.txt", 0, std::numeric_limits<std::size_t>::max(),
         findFixtureItem("hello.txt")->content},
        {"of an empty file", "empty.txt", 0, 100, ""},
    };
    for (const auto& r : reads) {
        const std::string call = std::string("read ") + quotedPath(r.path) + " " + r.what + " (offset " +
                                 std::to_string(r.offset) + ", max_bytes " + std::to_string(r.max_bytes) + ")";
        std::vector<char> bytes;
        if (!c.expectOk(call, c.read(c.call(), r.path, r.offset, r.max_bytes, bytes))) continue;
        const std::string got(bytes.begin(), bytes.end());
        if (got != r.expected) c.fail(call + ": " + firstDifference(r.expected, got));
    }
}

void readFolderIsNotAFile(CaseContext& c) {
    if (!c.has(StoreCapability::content)) return c.skip(kNoContent);
    for (const char* path : {"", "docs", "empty-folder"}) {
        std::vector<char> bytes;
        c.expectRefusal("read " + quotedPath(path), c.read(c.call(), path, 0, 100, bytes),
                        "it is a folder: the request does not fit, the folder is not gone");
    }
}

}  // namespace relaysync::sdk::conformance
