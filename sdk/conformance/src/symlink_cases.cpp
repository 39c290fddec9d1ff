// Links are followed inside the root, refused out of it, and a loop fails at once.

#include <chrono>

#include "cases.h"
#include "describe.h"
#include "expected.h"

namespace relaysync::sdk::conformance {

namespace {

const char* kNoSymlinks = "the options say this store has no symlinks (ConformanceOptions::symlinks, --no-symlinks)";

using Clock = std::chrono::steady_clock;

std::string nameOf(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// list(folder) must not show `name`, however it answers for the rest (list.names checks that).
void expectLeftOut(CaseContext& c, const std::string& folder, const std::string& name, const char* why) {
    FolderListing items;
    const auto start = Clock::now();
    const Status s = c.list(c.call(), folder, items);
    c.expectPrompt("list " + quotedPath(folder), Clock::now() - start, "a listing holding a loop must not hang");
    if (!c.expectOk("list " + quotedPath(folder), s)) return;
    for (const auto& item : items)
        if (item.name == name)
            c.fail("list " + quotedPath(folder) + " shows " + quotedPath(name) + " as a " +
                   toString(item.details.kind) + "; expected it left out (" + why + ")");
}

// stat, list and read of `path` each answer `code`, promptly.
void expectEveryMethod(CaseContext& c, const std::string& path, StatusCode code, const char* why) {
    const auto timed = [&](const std::string& call, auto&& body) {
        const auto start = Clock::now();
        const Status s = body();
        c.expectPrompt(call, Clock::now() - start, why);
        c.expectCode(call, s, code, why);
    };
    EntityDetails details;
    timed("stat " + quotedPath(path), [&] { return c.stat(c.call(), path, details); });
    FolderListing items;
    timed("list " + quotedPath(path), [&] { return c.list(c.call(), path, items); });
    if (!c.has(StoreCapability::content)) return;
    std::vector<char> bytes;
    timed("read " + quotedPath(path), [&] { return c.read(c.call(), path, 0, 100, bytes); });
}

}  // namespace

void symlinksInside(CaseContext& c) {
    if (!c.options().symlinks) return c.skip(kNoSymlinks);
    for (const auto& item : fixtureItems()) {
        if (item.type != FixtureItemType::link_inside) continue;
        const FixtureItem& target = *findFixtureItem(item.resolves_to);
        EntityDetails via_link, direct;
        if (!c.expectOk("stat " + quotedPath(item.path), c.stat(c.call(), item.path, via_link)) ||
            !c.expectOk("stat " + quotedPath(target.path), c.stat(c.call(), target.path, direct)))
            continue;
        // A link is reported as what it points to: the same details, and the same entity.
        if (!(via_link == direct))
            c.fail("stat " + quotedPath(item.path) + " (a link to " + quotedPath(target.path) + "): expected " +
                   describeDetails(direct) + " as for its target, store answered " + describeDetails(via_link));
        if (c.has(StoreCapability::entity_identity) && !(via_link.identity == direct.identity))
            c.fail("stat " + quotedPath(item.path) + ": expected the identity of its target " +
                   quotedPath(target.path) + " (" + describeIdentity(direct.identity) + "), store answered " +
                   describeIdentity(via_link.identity));
        if (target.type == FixtureItemType::folder) {
            expectListing(c, item.path, expectedChildren(target.path, true));
            const auto* inner = findFixtureItem(target.path + "/report.txt");
            if (inner && c.has(StoreCapability::content))
                expectContent(c, item.path + "/report.txt", inner->content, 64 * 1024);
        } else if (c.has(StoreCapability::content)) {
            expectContent(c, item.path, target.content, 64 * 1024);
        }
    }
}

void symlinksOutside(CaseContext& c) {
    if (!c.options().symlinks) return c.skip(kNoSymlinks);
    const char* why = "a path through a link that leads out of the root is refused";
    for (const auto& item : fixtureItems()) {
        if (item.type != FixtureItemType::link_outside) continue;
        expectEveryMethod(c, item.path, StatusCode::invalid_argument, why);
        // Below the link: out of the root too, whether or not anything is there.
        expectEveryMethod(c, item.path + "/etc", StatusCode::invalid_argument, why);
        expectLeftOut(c, "links", nameOf(item.path), "a listing leaves out links that lead out of the root");
    }
}

void symlinksLoop(CaseContext& c) {
    if (!c.options().symlinks) return c.skip(kNoSymlinks);
    const char* why = "a path through a loop of links fails, promptly";
    for (const auto& item : fixtureItems()) {
        if (item.type != FixtureItemType::link_loop) continue;
        expectEveryMethod(c, item.path, StatusCode::io_error, why);
        expectEveryMethod(c, item.path + "/below", StatusCode::io_error, why);
        expectLeftOut(c, "links", nameOf(item.path), "a listing leaves out links that cannot be followed");
    }
}

}  // namespace relaysync::sdk::conformance
