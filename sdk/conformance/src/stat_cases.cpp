#include <chrono>

#include "cases.h"
#include "describe.h"
#include "expected.h"

namespace relaysync::sdk::conformance {

namespace {

// Plausible: after 1980 (the oldest time FAT and SMB can hold) and at most a day ahead of this
// clock (a server's clock may run a little ahead). Times in seconds or microseconds fail.
void expectPlausibleTime(CaseContext& c, const std::string& path, const EntityDetails& details) {
    constexpr std::int64_t k1980Ms = 315'532'800'000;
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    const std::int64_t latest = now + 24 * 3600 * 1000;
    if (details.modified_ms < k1980Ms || details.modified_ms > latest)
        c.fail("stat " + quotedPath(path) + ": modified_ms " + std::to_string(details.modified_ms) +
               " is not a plausible time (milliseconds since 1970, between 1980 and now + 1 day = " +
               std::to_string(latest) + ")");
}

void expectStat(CaseContext& c, const std::string& path, EntityKind kind, std::uint64_t size) {
    EntityDetails details;
    if (!c.expectOk("stat " + quotedPath(path), c.stat(c.call(), path, details))) return;
    if (details.kind != kind || details.size != size)
        c.fail("stat " + quotedPath(path) + ": expected a " + toString(kind) + " of " + std::to_string(size) +
               " bytes, store answered " + describeDetails(details));
    if (!details.hash.empty())
        c.fail("stat " + quotedPath(path) + ": hash '" + details.hash + "' is set; it is a checker's, never a store's");
    expectPlausibleTime(c, path, details);
}

}  // namespace

void statRoot(CaseContext& c) { expectStat(c, "", EntityKind::folder, 0); }

void statFiles(CaseContext& c) {
    for (const auto* file : fixtureFiles()) expectStat(c, file->path, EntityKind::file, file->content.size());
}

void statFolders(CaseContext& c) {
    // Folder sizes are core's to aggregate: a store reports 0.
    for (const auto& folder : fixtureFolders())
        if (!folder.empty()) expectStat(c, folder, EntityKind::folder, 0);
}

}  // namespace relaysync::sdk::conformance
