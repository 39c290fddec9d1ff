// A terminal that is offline (its agent stopped) during a synchronize: the report names it
// among the nodes that could not be reached, its entries stay as they were everywhere (an owner
// that cannot be asked is not an entity that is gone), and when it starts again it gets what
// changed meanwhile and runs the check it missed, whose results reach every member. The check
// is four_site_checks.cpp's, shared with the same over SIP.
#include <cppunit/extensions/HelperMacros.h>

#include "four_site_checks.h"

namespace relaysync::e2e {

class OfflineTerminalTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OfflineTerminalTest);
    CPPUNIT_TEST(offlineOwnerIsReportedAndCatchesUp);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        site_ = std::make_unique<E2eSite>();
        site_->formGroupsAndShare();
    }
    void tearDown() override { site_.reset(); }

    void offlineOwnerIsReportedAndCatchesUp() { checkOfflineOwnerIsReportedAndCatchesUp(*site_); }

private:
    std::unique_ptr<E2eSite> site_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(OfflineTerminalTest);

}  // namespace relaysync::e2e
