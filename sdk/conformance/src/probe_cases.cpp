#include "cases.h"

namespace relaysync::sdk::conformance {

void probeStable(CaseContext& c) {
    RootProbe first;
    if (!c.expectOk("probe", c.probe(c.call(), first))) return;
    if (c.has(StoreCapability::root_identity) && first.identity.empty())
        c.fail("probe: the store declares root_identity but left RootProbe::identity empty");
    if (!c.has(StoreCapability::root_identity) && !first.identity.empty())
        c.note("probe gave identity '" + first.identity + "' without declaring root_identity: core will not use it");
    // Core compares identities between calls: the same root must always give the same one.
    for (int i = 0; i < 3; ++i) {
        RootProbe again;
        if (!c.expectOk("probe (again)", c.probe(c.call(), again))) return;
        if (again.identity != first.identity)
            c.fail("probe: the identity of an unchanged root changed from '" + first.identity + "' to '" +
                   again.identity + "'");
    }
}

}  // namespace relaysync::sdk::conformance
