// Fig. 14: a synchronize instruction that names resources reaches only their owners and the
// relays on the way. Every message the transport carries is counted, answers included.
#include <cppunit/extensions/HelperMacros.h>

#include <set>

#include "protocol/codec.h"
#include "scenario_steps.h"

namespace relaysync::test {

namespace {
using Link = std::pair<std::string, std::string>;  // short names, from -> to

struct Traffic {
    std::multiset<Link> links;
    std::multiset<std::string> lines;  // "R1->client12 synchronize-instruction"
    std::size_t total = 0;
};

Traffic traffic(FourSites& sites) {
    Traffic result;
    for (const auto& delivery : sites.network().carried()) {
        const auto message = core::decode(delivery.payload);
        const Link link{FourSites::shortName(delivery.from), FourSites::shortName(delivery.to)};
        result.links.insert(link);
        result.lines.insert(link.first + "->" + link.second + " " + core::wireName(message.type));
        ++result.total;
    }
    return result;
}

bool touches(const Traffic& traffic, const std::string& node) {
    for (const auto& [from, to] : traffic.links)
        if (from == node || to == node) return true;
    return false;
}
}  // namespace

class TargetedSyncTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TargetedSyncTest);
    CPPUNIT_TEST(onlyOwnersAndTheirRelaysAreContacted);
    CPPUNIT_TEST(targetedSyncIsCheaperThanAWholeShareSync);
    CPPUNIT_TEST(changesFoundByATargetedSyncStillReachEveryMember);
    CPPUNIT_TEST(unknownResourceGetsAClearAnswer);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        sites_ = std::make_unique<FourSites>();
        putEntities(*sites_);
        shares_ = shareResources(*sites_, formGroups(*sites_));
        sites_->network().clearCarried();
    }
    void tearDown() override { sites_.reset(); }

    void onlyOwnersAndTheirRelaysAreContacted() {
        const auto report = synchronize(*sites_, "client11", shares_.workspace1, {"folderB", "folderE"});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), report.checked);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), report.unchanged);
        CPPUNIT_ASSERT(report.unknown_resources.empty());

        const auto seen = traffic(*sites_);
        const std::multiset<std::string> expected{
            "client11->R1 synchronize-instruction", "R1->client12 synchronize-instruction",
            "R1->R3 synchronize",                   "R3->client31 synchronize-instruction",
            "client31->R3 synchronize-result",      "R3->R1 synchronize-result",
            "client12->R1 synchronize-result",      "R1->client11 synchronize-result"};
        CPPUNIT_ASSERT_EQUAL(std::size_t(8), seen.total);
        CPPUNIT_ASSERT(seen.lines == expected);
        for (const auto& node : {"R2", "client21", "client22", "R4", "client32", "client41", "client42"})
            CPPUNIT_ASSERT_MESSAGE(node, !touches(seen, node));
    }

    void targetedSyncIsCheaperThanAWholeShareSync() {
        synchronize(*sites_, "client11", shares_.workspace1, {"folderB", "folderE"});
        const auto targeted = traffic(*sites_).total;
        sites_->network().clearCarried();
        synchronize(*sites_, "client11", shares_.workspace1);
        const auto whole = traffic(*sites_);
        // Whole share: R1->R2, R1->R3, R1->client12, R2->client21, R2->client22, R3->client31, their
        // answers, and R1's sync-digests to R2 and R3 at the end (repair; nothing to repair here).
        CPPUNIT_ASSERT_EQUAL(std::size_t(16), whole.total);
        CPPUNIT_ASSERT(touches(whole, "R2") && touches(whole, "client22"));
        CPPUNIT_ASSERT(targeted < whole.total);
    }

    void changesFoundByATargetedSyncStillReachEveryMember() {
        sites_->disk("client31").putFile("folderE/more.txt", 5, 9'999);
        const auto report = synchronize(*sites_, "client11", shares_.workspace1, {"folderE"});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), report.changed);
        for (const auto& node : {"R1", "R2", "R3", "client11", "client12", "client21", "client22", "client31"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, std::uint64_t(605),
                                         entryAt(*sites_, node, shares_.workspace1, "folderE")->details.size);
    }

    void unknownResourceGetsAClearAnswer() {
        const auto report = synchronize(*sites_, "client11", shares_.workspace1, {"folderX"});
        CPPUNIT_ASSERT((report.unknown_resources == std::vector<std::string>{"folderX"}));
        CPPUNIT_ASSERT(report.summary().find("not in the share: folderX") != std::string::npos);
        const auto seen = traffic(*sites_);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), seen.total);  // the instruction and its answer
        CPPUNIT_ASSERT(!touches(seen, "R3") && !touches(seen, "client12"));
    }

private:
    std::unique_ptr<FourSites> sites_;
    Shares shares_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(TargetedSyncTest);

}  // namespace relaysync::test
