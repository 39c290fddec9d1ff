// "Output parameters are replaced, not appended to": callers reuse their buffers.

#include "cases.h"
#include "describe.h"
#include "expected.h"

namespace relaysync::sdk::conformance {

void outputsReplaced(CaseContext& c) {
    FolderListing items{{"stale-item", {}}};
    if (c.expectOk("list 'docs' into a non-empty listing", c.list(c.call(), "docs", items))) {
        for (const auto& item : items)
            if (item.name == "stale-item")
                c.fail("list 'docs' into a listing that held 'stale-item': it is still there (" +
                       describeListing(items) + "); the output must be replaced, not appended to");
    }

    EntityDetails details;
    details.kind = EntityKind::file;
    details.size = 999;
    details.hash = "sha256:stale";
    if (c.expectOk("stat 'docs' into used details", c.stat(c.call(), "docs", details)) &&
        (details.kind != EntityKind::folder || details.size != 0 || !details.hash.empty()))
        c.fail("stat 'docs' into details that held a 999-byte file with a hash: expected a folder of 0 bytes "
               "and no hash, store left " + describeDetails(details) + ", hash '" + details.hash + "'");

    if (!c.has(StoreCapability::content)) return;
    const std::string& hello = findFixtureItem("hello.txt")->content;
    std::vector<char> bytes(10, 'x');
    if (c.expectOk("read 'hello.txt' into a non-empty buffer", c.read(c.call(), "hello.txt", 0, 4096, bytes)) &&
        std::string(bytes.begin(), bytes.end()) != hello)
        c.fail("read 'hello.txt' into a buffer that held 10 bytes: expected exactly its " +
               std::to_string(hello.size()) + " bytes, store left " + std::to_string(bytes.size()) +
               " bytes; the output must be replaced, not appended to");
}

}  // namespace relaysync::sdk::conformance
