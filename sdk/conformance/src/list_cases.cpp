#include <algorithm>
#include <set>

#include "cases.h"
#include "describe.h"
#include "expected.h"

namespace relaysync::sdk::conformance {

namespace {

std::string describeExpected(const std::map<std::string, EntityKind>& children) {
    std::string text = "[";
    for (const auto& [name, kind] : children) text += (text.size() > 1 ? ", " : "") + quotedPath(name) + " (" + toString(kind) + ")";
    return text + "]";
}

bool isRootExtra(const ConformanceOptions& options, const std::string& name) {
    return std::find(options.root_extras.begin(), options.root_extras.end(), name) != options.root_extras.end();
}

}  // namespace

// Shared with the symlink cases: a folder reached through a link lists as its target.
void expectListing(CaseContext& c, const std::string& folder, const std::map<std::string, EntityKind>& expected) {
    FolderListing items;
    if (!c.expectOk("list " + quotedPath(folder), c.list(c.call(), folder, items))) return;
    std::map<std::string, EntityKind> got;
    std::set<std::string> duplicates;
    for (const auto& item : items) {
        if (item.name.empty() || item.name == "." || item.name == ".." || item.name.find('/') != std::string::npos)
            c.fail("list " + quotedPath(folder) + " gave the item name " + quotedPath(item.name) +
                   " (items are one path component, never empty, '.' or '..')");
        if (!c.options().symlinks && isFixtureLink(folder, item.name)) continue;
        if (folder.empty() && isRootExtra(c.options(), item.name)) continue;
        if (!got.emplace(item.name, item.details.kind).second) duplicates.insert(item.name);
    }
    for (const auto& name : duplicates) c.fail("list " + quotedPath(folder) + " gave " + quotedPath(name) + " twice");
    if (got != expected)
        c.fail("list " + quotedPath(folder) + ": expected " + describeExpected(expected) + ", store answered " +
               describeListing(items));
}

void listNames(CaseContext& c) {
    for (const auto& folder : fixtureFolders())
        expectListing(c, folder, expectedChildren(folder, c.options().symlinks));
}

void listFileIsNotAFolder(CaseContext& c) {
    for (const char* path : {"hello.txt", "docs/report.txt", "empty.txt"}) {
        FolderListing items;
        c.expectRefusal("list " + quotedPath(path), c.list(c.call(), path, items),
                        "it is a file: the request does not fit, the file is not gone");
    }
}

}  // namespace relaysync::sdk::conformance
