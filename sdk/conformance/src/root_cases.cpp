// A root that is gone or replaced is not a root whose entities were deleted: core must hear
// unreachable, or see another identity, never not_found. The caller's hooks break the root.

#include <exception>
#include <functional>

#include "cases.h"
#include "describe.h"

namespace relaysync::sdk::conformance {

namespace {

// Runs a hook; a failure fails the case.
bool runHook(CaseContext& c, const char* name, const std::function<void()>& hook) {
    try {
        hook();
        return true;
    } catch (const std::exception& e) {
        c.fail(std::string(name) + " failed: " + e.what());
    } catch (...) {
        c.fail(std::string(name) + " failed with an unknown exception");
    }
    return false;
}

// After restore_root, the fixture must be reachable again, or every later case would fail.
void expectRestored(CaseContext& c) {
    RootProbe probe;
    EntityDetails details;
    c.expectOk("probe after restore_root", c.probe(c.call(), probe));
    c.expectOk("stat 'hello.txt' after restore_root", c.stat(c.call(), "hello.txt", details));
}

}  // namespace

void rootRemoved(CaseContext& c) {
    const auto& o = c.options();
    if (!o.break_root || !o.restore_root) return c.skip("needs the break_root and restore_root hooks");
    if (!runHook(c, "break_root", o.break_root)) {
        runHook(c, "restore_root", o.restore_root);
        return;
    }
    const char* why = "the root is gone: nothing can be said of its entities, which must not read as gone";
    RootProbe probe;
    c.expectCode("probe", c.probe(c.call(), probe), StatusCode::unreachable, why);
    for (const char* path : {"", "hello.txt", "docs", "docs/report.txt", "missing.txt"}) {
        EntityDetails details;
        c.expectCode("stat " + quotedPath(path), c.stat(c.call(), path, details), StatusCode::unreachable, why);
    }
    for (const char* path : {"", "docs", "missing-folder"}) {
        FolderListing items;
        c.expectCode("list " + quotedPath(path), c.list(c.call(), path, items), StatusCode::unreachable, why);
    }
    if (c.has(StoreCapability::content)) {
        for (const char* path : {"hello.txt", "missing.txt"}) {
            std::vector<char> bytes;
            c.expectCode("read " + quotedPath(path), c.read(c.call(), path, 0, 100, bytes), StatusCode::unreachable,
                         why);
        }
    }
    if (runHook(c, "restore_root", o.restore_root)) expectRestored(c);
}

void rootReplaced(CaseContext& c) {
    const auto& o = c.options();
    if (!c.has(StoreCapability::root_identity))
        return c.skip("the store does not declare root_identity, so it cannot tell a replaced root from its own");
    if (!o.replace_root || !o.restore_root) return c.skip("needs the replace_root and restore_root hooks");
    RootProbe before;
    if (!c.expectOk("probe", c.probe(c.call(), before))) return;
    if (!runHook(c, "replace_root", o.replace_root)) {
        runHook(c, "restore_root", o.restore_root);
        return;
    }
    RootProbe after;
    const Status s = c.probe(c.call(), after);
    if (s.isUnreachable()) {
        // Allowed: a store that checks a marker refuses the stranger outright.
        c.note("probe of the replaced root answered unreachable (" + s.message() + ")");
    } else if (c.expectOk("probe of the replaced root", s) && after.identity == before.identity) {
        c.fail("probe of the replaced root: expected an identity other than the original root's '" +
               before.identity + "', store answered the same (core would read the other folder's content as the "
               "original's, and its missing entities as gone)");
    }
    if (runHook(c, "restore_root", o.restore_root)) expectRestored(c);
}

}  // namespace relaysync::sdk::conformance
