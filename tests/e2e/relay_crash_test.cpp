// A relay killed with SIGKILL in the middle of a synchronize and started again: the synchronize
// still finishes at the terminal that asked, every node converges, and no update is lost
// (docs/architecture.md §4: state and the messages it must send are stored together; sync sessions survive
// restarts). The checks are four_site_checks.cpp's, shared with the same over SIP.
#include <cppunit/extensions/HelperMacros.h>

#include "four_site_checks.h"

namespace relaysync::e2e {

using namespace cluster::four_site;

class RelayCrashTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RelayCrashTest);
    CPPUNIT_TEST(relayKilledWhileWaitingForItsTerminals);
    CPPUNIT_TEST(relayKilledRightAfterTheSynchronizeIsIssued);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        site_ = std::make_unique<E2eSite>();
        prepareRelayCrash(*site_);
    }
    void tearDown() override { site_.reset(); }

    void relayKilledWhileWaitingForItsTerminals() { checkRelayKilledWhileWaitingForItsTerminals(*site_); }
    // R1 sees its TLS connection with R2 close.
    void relayKilledRightAfterTheSynchronizeIsIssued() { checkRelayKilledRightAfterTheSynchronizeIsIssued(*site_, R1); }

private:
    std::unique_ptr<E2eSite> site_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(RelayCrashTest);

}  // namespace relaysync::e2e
