// Declared capabilities against what the store does.

#include "cases.h"
#include "describe.h"
#include "expected.h"

namespace relaysync::sdk::conformance {

namespace {

bool sameEntity(const EntityIdentity& a, const EntityIdentity& b) {
    if (a.file_id != 0 || b.file_id != 0) return a.device == b.device && a.file_id == b.file_id;
    return a.change_token == b.change_token;
}

}  // namespace

void capabilityContent(CaseContext& c) {
    const FixtureItem& hello = *findFixtureItem("hello.txt");
    std::vector<char> bytes;
    const Status s = c.read(c.call(), hello.path, 0, 4096, bytes);
    if (!c.has(StoreCapability::content)) {
        c.expectCode("read 'hello.txt'", s, StatusCode::invalid_argument,
                     "the store does not declare the content capability");
        return;
    }
    if (!c.expectOk("read 'hello.txt'", s)) return;
    if (std::string(bytes.begin(), bytes.end()) != hello.content)
        c.fail("read 'hello.txt': expected its " + std::to_string(hello.content.size()) + " bytes '" + hello.content +
               "', store gave " + std::to_string(bytes.size()) + " other bytes");
}

void capabilityListDetails(CaseContext& c) {
    if (!c.has(StoreCapability::list_details))
        return c.skip("the store does not declare list_details: its listings carry kinds only, core stats items");
    for (const auto& folder : fixtureFolders()) {
        FolderListing items;
        if (!c.expectOk("list " + quotedPath(folder), c.list(c.call(), folder, items))) continue;
        for (const auto& item : items) {
            if (!c.options().symlinks && isFixtureLink(folder, item.name)) continue;
            const std::string path = childPath(folder, item.name);
            EntityDetails stated;
            if (!c.expectOk("stat " + quotedPath(path), c.stat(c.call(), path, stated))) continue;
            // operator== compares kind, time, size and hash: what core records.
            if (!(item.details == stated))
                c.fail("list " + quotedPath(folder) + " gave " + quotedPath(item.name) + " as " +
                       describeDetails(item.details) + ", but stat gave " + describeDetails(stated) +
                       " (with list_details, listed details must be stat's)");
            if (c.has(StoreCapability::entity_identity) && !(item.details.identity == stated.identity))
                c.fail("list " + quotedPath(folder) + " gave " + quotedPath(item.name) + " the identity " +
                       describeIdentity(item.details.identity) + ", but stat gave " +
                       describeIdentity(stated.identity));
        }
    }
}

void capabilityEntityIdentity(CaseContext& c) {
    if (!c.has(StoreCapability::entity_identity))
        return c.skip("the store does not declare entity_identity: checkers cannot cache by identity");
    std::vector<std::pair<std::string, EntityIdentity>> seen;
    std::vector<std::string> paths = fixtureFolders();
    for (const auto* file : fixtureFiles()) paths.push_back(file->path);
    for (const auto& path : paths) {
        EntityDetails first, again;
        if (!c.expectOk("stat " + quotedPath(path), c.stat(c.call(), path, first))) continue;
        if (!first.identity.known()) {
            c.fail("stat " + quotedPath(path) + ": the store declares entity_identity but gave no file_id nor "
                   "change_token (" + describeIdentity(first.identity) + ")");
            continue;
        }
        if (!c.expectOk("stat " + quotedPath(path) + " (again)", c.stat(c.call(), path, again))) continue;
        if (!(again.identity == first.identity))
            c.fail("stat " + quotedPath(path) + ": the identity of an unchanged entity changed from " +
                   describeIdentity(first.identity) + " to " + describeIdentity(again.identity));
        // file_id names the entity on its volume; a store without one names it by its token.
        for (const auto& [other, identity] : seen)
            if (sameEntity(identity, first.identity))
                c.fail("stat " + quotedPath(path) + " and stat " + quotedPath(other) +
                       " name two entities alike: " + describeIdentity(first.identity) + " and " +
                       describeIdentity(identity));
        seen.emplace_back(path, first.identity);
    }
}

}  // namespace relaysync::sdk::conformance
