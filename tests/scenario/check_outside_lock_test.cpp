// CheckResource reads the disk without the node's lock: while a slow store holds a check up,
// the node goes on serving, and a record changed meanwhile is not overwritten by what the
// check saw before. Adding resources (Node::addResources, add-children) reads it the same way.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <future>
#include <thread>

#include "scenario_steps.h"

namespace relaysync::test {

namespace {
using namespace std::chrono_literals;

using World = SharedSites;

// Holds a disk for the length of a test, and lets it go whatever happens, so that no thread
// is left waiting on it.
class HeldDisk {
public:
    explicit HeldDisk(MemoryStore& disk) : disk_(disk) { disk_.hold(); }
    ~HeldDisk() { disk_.release(); }
    // Waits until a check is reading the disk; false after 10 s.
    bool awaitReader() {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!disk_.holding())
            if (std::chrono::steady_clock::now() > deadline) return false;
            else std::this_thread::yield();
        return true;
    }
    void release() { disk_.release(); }

private:
    MemoryStore& disk_;
};

// Starts a check of workspace1 at client31, and returns once it is reading the held disk.
std::future<core::SyncReport> startHeldCheck(World& world, HeldDisk& disk) {
    auto check = std::async(std::launch::async, [&] {
        return world.sites.node("client31").checkResources(world.shares.workspace1);
    });
    if (!disk.awaitReader()) {
        disk.release();
        CPPUNIT_FAIL("the check did not start reading the disk within 10 s");
    }
    return check;
}

// Whether `node` takes a command within 5 s while `disk` is held. When it does not, the disk is
// let go, so that the check holding the node can end and the probe with it.
bool answersMeanwhile(core::Node& node, const std::string& share_id, HeldDisk& disk) {
    auto probe = std::async(std::launch::async, [&] {
        return node.withEngine([&](core::EngineBase& engine) { return engine.shares().entries(share_id).size(); });
    });
    if (probe.wait_for(5s) != std::future_status::ready) {
        disk.release();
        return false;
    }
    return probe.get() > 0;
}
}  // namespace

class CheckOutsideLockTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CheckOutsideLockTest);
    CPPUNIT_TEST(aCheckOnDemandLeavesTheNodeFree);
    CPPUNIT_TEST(aRecordChangedDuringTheCheckIsLeftAlone);
    CPPUNIT_TEST(anInstructionFromTheRelayIsCheckedOutsideTheLock);
    CPPUNIT_TEST(anAddLeavesTheNodeFreeWhileItReadsTheDisk);
    CPPUNIT_TEST(anAddIsRefusedWhenTheShareChangedWhileItReadTheDisk);
    CPPUNIT_TEST(addChildrenListsTheFolderAndAddsEachChild);
    CPPUNIT_TEST_SUITE_END();

public:
    void aCheckOnDemandLeavesTheNodeFree() {
        World world;
        world.sites.disk("client31").putFile("docs/file100.pdf", 501, 5'001);
        // Declared first, so that on a failure the disk is let go before the check is waited for.
        std::future<core::SyncReport> check;
        HeldDisk disk(world.sites.disk("client31"));
        check = startHeldCheck(world, disk);
        CPPUNIT_ASSERT(answersMeanwhile(world.sites.node("client31"), world.shares.workspace1, disk));
        disk.release();
        const auto report = check.get();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);
        world.sites.settle();
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(501), entryAt(world.sites, "R1", world.shares.workspace1, "file100.pdf")->details.size);
    }

    void aRecordChangedDuringTheCheckIsLeftAlone() {
        World world;
        world.sites.disk("client31").putFile("docs/file100.pdf", 501, 5'001);
        // Declared first, so that on a failure the disk is let go before the check is waited for.
        std::future<core::SyncReport> check;
        HeldDisk disk(world.sites.disk("client31"));
        check = startHeldCheck(world, disk);
        // The owner takes the resource out of the share while the check looks at the disk.
        world.sites.node("client31").withTerminal(
            [&](core::TerminalEngine& t) { t.removeResource(world.shares.workspace1, "file100.pdf"); });
        disk.release();
        check.get();
        world.sites.settle();
        for (const auto& node : {"client31", "R3", "R1", "client11"})
            CPPUNIT_ASSERT_MESSAGE(node, !entryAt(world.sites, node, world.shares.workspace1, "file100.pdf"));
        // Its other listing (projects) was not touched meanwhile, and takes the change.
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(501),
                             entryAt(world.sites, "client32", world.shares.projects, "file100.pdf")->details.size);
    }

    // The relay's instruction is taken (acknowledged) at once and checked afterwards: the
    // terminal is free while its disk is read, and the sync still ends with the true state.
    void anInstructionFromTheRelayIsCheckedOutsideTheLock() {
        World world;
        world.sites.disk("client31").putFile("folderE/e.txt", 601, 6'001);
        std::future<void> delivery;
        HeldDisk disk(world.sites.disk("client31"));
        const auto sync_id = world.sites.node("client11").synchronize(world.shares.workspace1);
        delivery = std::async(std::launch::async, [&] { world.sites.settle(); });
        CPPUNIT_ASSERT(disk.awaitReader());
        auto& client31 = world.sites.node("client31");
        CPPUNIT_ASSERT(answersMeanwhile(client31, world.shares.workspace1, disk));
        CPPUNIT_ASSERT(client31.withEngine([](core::EngineBase& e) { return e.syncs().oldestPendingCheck(); }));
        disk.release();
        delivery.get();
        CPPUNIT_ASSERT(!client31.withEngine([](core::EngineBase& e) { return e.syncs().oldestPendingCheck(); }));
        const auto report = world.sites.node("client11").withEngine(
            [&](core::EngineBase& e) { return e.syncs().result(sync_id); });
        CPPUNIT_ASSERT(report.has_value());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(6), report->checked);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report->changed);
        CPPUNIT_ASSERT(report->unreachable_nodes.empty());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(601), entryAt(world.sites, "client22", world.shares.workspace1, "folderE")->details.size);
    }

    void anAddLeavesTheNodeFreeWhileItReadsTheDisk() {
        World world;
        world.sites.disk("client31").putFile("new/added.txt", 42, 4'200);
        auto& client31 = world.sites.node("client31");
        std::future<void> add;
        HeldDisk disk(world.sites.disk("client31"));
        add = std::async(std::launch::async, [&] {
            client31.addResources(world.shares.workspace1, {{"added.txt", "c:/new/added.txt"}});
        });
        if (!disk.awaitReader()) {
            disk.release();
            CPPUNIT_FAIL("the add did not start reading the disk within 10 s");
        }
        CPPUNIT_ASSERT(answersMeanwhile(client31, world.shares.workspace1, disk));
        disk.release();
        add.get();
        world.sites.settle();
        const auto added = entryAt(world.sites, "client11", world.shares.workspace1, "added.txt");
        CPPUNIT_ASSERT(added);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(42), added->details.size);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), added->version);
    }

    // What was allowed when the add began is asked again once the disk was read: another
    // terminal that shared the name meanwhile keeps it.
    void anAddIsRefusedWhenTheShareChangedWhileItReadTheDisk() {
        World world;
        world.sites.disk("client31").putFile("new/late.txt", 7, 700);
        world.sites.disk("client21").putFile("early.txt", 9, 900);
        auto& client31 = world.sites.node("client31");
        std::future<void> add;
        HeldDisk disk(world.sites.disk("client31"));
        add = std::async(std::launch::async, [&] {
            client31.addResources(world.shares.workspace1, {{"contested.txt", "c:/new/late.txt"}});
        });
        if (!disk.awaitReader()) {
            disk.release();
            CPPUNIT_FAIL("the add did not start reading the disk within 10 s");
        }
        // client21 shares the name first; its record reaches client31 while client31 reads its disk.
        world.sites.node("client21").withTerminal(
            [&](core::TerminalEngine& t) { t.addResource(world.shares.workspace1, "contested.txt", "c:/early.txt"); });
        std::future<void> delivery = std::async(std::launch::async, [&] { world.sites.settle(); });
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!entryAt(world.sites, "client31", world.shares.workspace1, "contested.txt")) {
            if (std::chrono::steady_clock::now() > deadline) {
                disk.release();
                CPPUNIT_FAIL("client21's record did not reach client31 within 10 s");
            }
            std::this_thread::yield();
        }
        disk.release();
        delivery.get();
        expectCommandError("is already shared by client21", [&] { add.get(); });
        world.sites.settle();
        CPPUNIT_ASSERT_EQUAL(FourSites::account("client21"),
                             entryAt(world.sites, "client11", world.shares.workspace1, "contested.txt")->owner);
    }

    void addChildrenListsTheFolderAndAddsEachChild() {
        World world;
        auto& disk = world.sites.disk("client31");
        disk.putFile("batch/one.txt", 1, 100);
        disk.putFile("batch/two.txt", 2, 200);
        auto& client31 = world.sites.node("client31");
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), client31.addChildren(world.shares.workspace1, "c:/batch"));
        world.sites.settle();
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), entryAt(world.sites, "client11", world.shares.workspace1, "two.txt")->details.size);
        CPPUNIT_ASSERT_EQUAL(std::string("c:/batch/one.txt"),
                             entryAt(world.sites, "client11", world.shares.workspace1, "one.txt")->location);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CheckOutsideLockTest);

}  // namespace relaysync::test
