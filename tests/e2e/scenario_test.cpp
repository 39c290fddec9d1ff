// Patent Fig. 10-14 across real processes: 4 relays and 8 terminal agents on 127.0.0.1, talking
// TLS, driven and checked only through each node's admin socket (status JSON) and the admin CLI.
// The checks are four_site_checks.cpp's, shared with the same scenario over SIP.
#include <cppunit/extensions/HelperMacros.h>

#include "four_site_checks.h"

namespace relaysync::e2e {

class FourSiteScenarioTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FourSiteScenarioTest);
    CPPUNIT_TEST(patentScenarioAcrossProcesses);
    CPPUNIT_TEST(goneEntityRemovedFromBothSharesInRemoveMode);
    CPPUNIT_TEST_SUITE_END();

public:
    void tearDown() override { site_.reset(); }

    void patentScenarioAcrossProcesses() {
        site_ = std::make_unique<E2eSite>();
        checkPatentScenario(*site_);
    }

    void goneEntityRemovedFromBothSharesInRemoveMode() {
        E2eSite::Options options;
        options.gone_entity = "remove";
        site_ = std::make_unique<E2eSite>(options);
        checkGoneEntityRemoved(*site_);
    }

private:
    std::unique_ptr<E2eSite> site_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(FourSiteScenarioTest);

}  // namespace relaysync::e2e
