#pragma once
// The end-to-end checks of the four-site example, each on an E2eSite made by the caller, so
// that the same checks run over each transport (scenario_test.cpp, relay_crash_test.cpp and
// offline_terminal_test.cpp over direct; sip_scenario_test.cpp over SIP). They fail with
// CppUnit assertions.

#include "e2e_site.h"

namespace relaysync::e2e {

// Patent Fig. 10-16 on a fresh site (gone_entity mark): groups, terminals, shares, a whole
// synchronize, a targeted one through the admin CLI (only the owners asked), the CLI's errors.
void checkPatentScenario(E2eSite& site);
// On a fresh site made with gone_entity remove: file100.pdf leaves both shares at every holder.
void checkGoneEntityRemoved(E2eSite& site);

// On a fresh site: workspace1 shared, and client22's notes.txt too (setUp of the crash checks).
void prepareRelayCrash(E2eSite& site);
// R2 is killed while it waits for client21 (held with SIGSTOP), and restarted: the synchronize
// finishes, nothing is reported missing, every update converges.
void checkRelayKilledWhileWaitingForItsTerminals(E2eSite& site);
// R2 is killed right after client11 asks and restarted once `observer` saw it go.
void checkRelayKilledRightAfterTheSynchronizeIsIssued(E2eSite& site, const std::string& observer);

// On a fresh site: client31 is stopped during a synchronize, reported unreachable, and catches
// up when it starts again.
void checkOfflineOwnerIsReportedAndCatchesUp(E2eSite& site);

}  // namespace relaysync::e2e
