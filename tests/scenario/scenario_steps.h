#pragma once
// The steps of the patent's example (Fig. 10-12), shared by the scenario suites.

#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "four_sites.h"

namespace relaysync::test {

struct Groups {
    std::string group1;  // R1, R2, R3 (Fig. 6 top)
    std::string group2;  // R3 alone (Fig. 6 bottom)
};

struct Shares {
    std::string workspace1;  // group 1: client11, 12, 21, 22, 31
    std::string projects;    // group 2: client31, 32; lists file100.pdf too
};

// Fig. 10 and 11: groups formed and terminals admitted.
Groups formGroups(FourSites& sites);
// Entities on the terminals' disks and the Tokyo file server.
void putEntities(FourSites& sites);
// Fig. 12: workspace1 and projects shared, every resource added by its owner.
Shares shareResources(FourSites& sites, const Groups& groups);

// The example after Fig. 12: entities on the disks, both groups formed, both shares with their
// resources.
struct SharedSites {
    explicit SharedSites(SiteOptions options = {}) : sites(options) {
        putEntities(sites);
        groups = formGroups(sites);
        shares = shareResources(sites, groups);
    }
    FourSites sites;
    Groups groups;
    Shares shares;
};

// Shorthands.
core::SyncReport synchronize(FourSites& sites, const std::string& terminal, const std::string& share_id,
                             const std::vector<std::string>& names = {});
std::optional<core::ResourceEntry> entryAt(FourSites& sites, const std::string& node, const std::string& share_id,
                                           const std::string& name);
std::optional<core::Share> shareAt(FourSites& sites, const std::string& node, const std::string& share_id);
std::optional<core::RelayGroup> groupAt(FourSites& sites, const std::string& node, const std::string& group_id);
// The stored definition, a deleted share's tombstone included.
std::optional<core::Share> shareRecordAt(FourSites& sites, const std::string& node, const std::string& share_id);

// A message carried earlier, delivered again under a fresh id of its sender's (`tag` names the
// id's epoch): a late copy that de-duplication does not catch, as a retry after a lost database
// or a slow path would be.
void replay(FourSites& sites, const core::InProcessNetwork::Delivery& delivery, const std::string& tag);

// Runs `command`, which must throw a CommandError whose text contains `expected`.
template <class Command>
void expectCommandError(const std::string& expected, Command&& command) {
    try {
        command();
    } catch (const core::CommandError& e) {
        CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find(expected) != std::string::npos);
        return;
    }
    CPPUNIT_FAIL("expected a CommandError containing '" + expected + "'");
}

}  // namespace relaysync::test
