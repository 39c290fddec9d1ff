// A store's root that was replaced (a drive mounted over the folder, another share in its
// place) is not read as "everything is gone": its entities are unreachable until an operator
// accepts the new root, also after a restart.
#include <cppunit/extensions/HelperMacros.h>

#include "scenario_steps.h"

namespace relaysync::test {

class StoreRootTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StoreRootTest);
    CPPUNIT_TEST(aReplacedRootMarksNothingGone);
    CPPUNIT_TEST(anAcceptedRootIsCheckedAsUsual);
    CPPUNIT_TEST(theAcceptedRootOutlivesARestart);
    CPPUNIT_TEST(acceptingAnUnknownPrefixIsAClearError);
    CPPUNIT_TEST_SUITE_END();

public:
    void aReplacedRootMarksNothingGone() {
        SharedSites world;
        auto& disk = world.sites.disk("client31");
        disk.setRootIdentity("another-volume");
        disk.remove("docs");  // the new root lacks what the old one held
        const auto report = world.sites.node("client31").checkResources(world.shares.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), report.gone);
        CPPUNIT_ASSERT(report.unreachable > 0);
        CPPUNIT_ASSERT(!report.problems.empty());
        CPPUNIT_ASSERT_MESSAGE(report.problems.front(),
                               report.problems.front().find("accept-store-root c:") != std::string::npos);
        world.sites.settle();
        const auto entry = entryAt(world.sites, "client11", world.shares.workspace1, "file100.pdf");
        // Still listed, shown as unreachable, never as "file not found".
        CPPUNIT_ASSERT(entry.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string(core::kStatusUnreachable), entry->status);
    }

    void anAcceptedRootIsCheckedAsUsual() {
        SharedSites world;
        auto& disk = world.sites.disk("client31");
        disk.setRootIdentity("another-volume");
        disk.remove("docs");
        auto& client31 = world.sites.node("client31");
        const auto identity = client31.withTerminal([](core::TerminalEngine& t) { return t.acceptStoreRoot("c:"); });
        CPPUNIT_ASSERT_EQUAL(std::string("another-volume"), identity);
        const auto report = client31.checkResources(world.shares.workspace1);
        CPPUNIT_ASSERT(report.gone > 0);
        world.sites.settle();
        // The scenario sites remove gone entries (gone_entity: remove).
        CPPUNIT_ASSERT(!entryAt(world.sites, "client11", world.shares.workspace1, "file100.pdf"));
    }

    void theAcceptedRootOutlivesARestart() {
        SharedSites world;
        world.sites.restart("client31");
        world.sites.disk("client31").setRootIdentity("another-volume");
        const auto report = world.sites.node("client31").checkResources(world.shares.workspace1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), report.checked - report.unreachable);
    }

    void acceptingAnUnknownPrefixIsAClearError() {
        SharedSites world;
        expectCommandError("no store serves prefix 'q:'", [&] {
            world.sites.node("client31").withTerminal([](core::TerminalEngine& t) { t.acceptStoreRoot("q:"); });
        });
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StoreRootTest);

}  // namespace relaysync::test
