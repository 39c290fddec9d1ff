// The fixture's manifest: what the suite expects the store's root to hold. Contents are made
// by formulas rather than stored, so the 1 MiB file costs nothing in the source.

#include "relaysync/sdk/conformance/fixture.h"

#include <algorithm>

namespace relaysync::sdk::conformance {

namespace {

// Text lines numbered so that a misplaced chunk shows in a diff.
std::string numberedLines(const std::string& name, int lines) {
    std::string text;
    for (int i = 1; i <= lines; ++i) text += "line " + std::to_string(i) + " of " + name + "\n";
    return text;
}

// Every byte value, NUL and 0xff included, so that a store treating content as text fails.
std::string allByteValues(int rounds) {
    std::string bytes;
    for (int r = 0; r < rounds; ++r)
        for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
    return bytes;
}

// Not a multiple of any power of two, and without repeats, so that a chunk read at the wrong
// offset or twice cannot match by chance.
std::string pseudoRandom(std::size_t size, std::uint32_t seed) {
    std::string bytes(size, '\0');
    std::uint32_t x = seed;
    for (auto& byte : bytes) {
        x ^= x << 13;  // xorshift32
        x ^= x >> 17;
        x ^= x << 5;
        byte = static_cast<char>(x >> 24);
    }
    return bytes;
}

FixtureItem file(std::string path, std::string content) {
    return {std::move(path), FixtureItemType::file, std::move(content), {}, {}};
}
FixtureItem folder(std::string path) { return {std::move(path), FixtureItemType::folder, {}, {}, {}}; }
FixtureItem link(std::string path, FixtureItemType type, std::string target, std::string resolves_to = {}) {
    return {std::move(path), type, {}, std::move(target), std::move(resolves_to)};
}

std::vector<FixtureItem> makeItems() {
    using T = FixtureItemType;
    return {
        file("hello.txt", "Hello, relaysync!\n"),
        file("empty.txt", ""),
        file("large.bin", pseudoRandom(1024 * 1024 + 4099, 0x2545F491u)),
        file("name with spaces \xC3\xA9\xC3\xA0 \xE6\x9D\xB1\xE4\xBA\xAC.txt",  // "é à 東京"
             "Gr\xC3\xBC\xC3\x9F" "e aus \xE6\x9D\xB1\xE4\xBA\xAC\n"),
        folder("docs"),
        file("docs/report.txt", numberedLines("docs/report.txt", 120)),
        folder("docs/nested"),
        file("docs/nested/all-bytes.bin", allByteValues(4)),
        folder("empty-folder"),
        // Links live in their own folder, so that a store without them leaves the rest as is.
        folder("links"),
        link("links/to-hello.txt", T::link_inside, "../hello.txt", "hello.txt"),
        link("links/to-docs", T::link_inside, "../docs", "docs"),
        // The folder holding the root, and the file system's root: both exist, so a store can
        // only pass by refusing them, not by finding nothing there.
        link("links/out-parent", T::link_outside, "../.."),
        link("links/out-absolute", T::link_outside, "/"),
        link("links/loop-a", T::link_loop, "loop-b"),
        link("links/loop-b", T::link_loop, "loop-a"),
    };
}

}  // namespace

const std::vector<FixtureItem>& fixtureItems() {
    static const std::vector<FixtureItem> items = makeItems();
    return items;
}

const FixtureItem* findFixtureItem(const std::string& path) {
    const auto& items = fixtureItems();
    const auto it = std::find_if(items.begin(), items.end(), [&](const FixtureItem& i) { return i.path == path; });
    return it == items.end() ? nullptr : &*it;
}

}  // namespace relaysync::sdk::conformance
