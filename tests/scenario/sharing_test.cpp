// Fig. 12: a share created at one terminal and resources added by their owners reach every
// member terminal and every relay with members, and nobody else.
#include <cppunit/extensions/HelperMacros.h>

#include "protocol/bodies.h"
#include "protocol/codec.h"
#include "scenario_steps.h"

namespace relaysync::test {

namespace {
const std::vector<std::string> kWorkspaceHolders{"R1", "R2", "R3", "client11", "client12",
                                                 "client21", "client22", "client31"};
}

class SharingTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SharingTest);
    CPPUNIT_TEST(workspace1ReachesEveryMemberAndNobodyElse);
    CPPUNIT_TEST(folderAIsHeldByEveryMember);
    CPPUNIT_TEST(folderDetailsAreAggregated);
    CPPUNIT_TEST(projectsStaysInGroup2);
    CPPUNIT_TEST(badSharingCommandsAreRefused);
    CPPUNIT_TEST(relayRefusesUpdatesFromNonMembers);
    CPPUNIT_TEST_SUITE_END();

public:
    void workspace1ReachesEveryMemberAndNobodyElse() {
        FourSites sites;
        putEntities(sites);
        const auto shares = shareResources(sites, formGroups(sites));
        CPPUNIT_ASSERT_EQUAL(std::string("20071001150032client11@relay-server1.net"), shares.workspace1);
        const auto at_creator = shareAt(sites, "client11", shares.workspace1);
        CPPUNIT_ASSERT(at_creator);
        CPPUNIT_ASSERT_EQUAL(std::string("workspace1"), at_creator->name);
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), at_creator->members.size());
        for (const auto& node : kWorkspaceHolders) {
            CPPUNIT_ASSERT_MESSAGE(node, shareAt(sites, node, shares.workspace1) == at_creator);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, entriesText(sites, "client11", shares.workspace1),
                                         entriesText(sites, node, shares.workspace1));
        }
        for (const auto& node : {"R4", "client32", "client41", "client42"})
            CPPUNIT_ASSERT_MESSAGE(node, !shareAt(sites, node, shares.workspace1));
    }

    void folderAIsHeldByEveryMember() {
        FourSites sites;
        putEntities(sites);
        const auto shares = shareResources(sites, formGroups(sites));
        for (const auto& node : kWorkspaceHolders) {
            const auto entry = entryAt(sites, node, shares.workspace1, "folderA");
            CPPUNIT_ASSERT_MESSAGE(node, entry);
            CPPUNIT_ASSERT_EQUAL(FourSites::account("client11"), entry->owner);
            CPPUNIT_ASSERT_EQUAL(std::string("c:/folderA"), entry->location);
            CPPUNIT_ASSERT_EQUAL(std::string("ok"), entry->status);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(1), entry->version);
        }
        const auto network_entry = entryAt(sites, "client22", shares.workspace1, "budgetZ");
        CPPUNIT_ASSERT(network_entry);
        CPPUNIT_ASSERT_EQUAL(std::string("network/z:/folderZ/budget.xls"), network_entry->location);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(700), network_entry->details.size);
    }

    void folderDetailsAreAggregated() {
        FourSites sites;
        putEntities(sites);
        const auto shares = shareResources(sites, formGroups(sites));
        const auto folder = entryAt(sites, "client21", shares.workspace1, "folderA");
        CPPUNIT_ASSERT(folder->details.kind == sdk::EntityKind::folder);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(300), folder->details.size);  // a.txt 100 + b.txt 200
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2'000), folder->details.modified_ms);
    }

    void projectsStaysInGroup2() {
        FourSites sites;
        putEntities(sites);
        const auto shares = shareResources(sites, formGroups(sites));
        for (const auto& node : {"R3", "client31", "client32"})
            CPPUNIT_ASSERT_MESSAGE(node, entryAt(sites, node, shares.projects, "file100.pdf"));
        for (const auto& node : {"R1", "R2", "R4", "client11", "client21"})
            CPPUNIT_ASSERT_MESSAGE(node, !shareAt(sites, node, shares.projects));
    }

    void badSharingCommandsAreRefused() {
        FourSites sites;
        putEntities(sites);
        const auto groups = formGroups(sites);
        const auto shares = shareResources(sites, groups);
        expectCommandError("not a shareable terminal", [&] {
            sites.node("client41").withTerminal([&](core::TerminalEngine& t) { t.createShare(groups.group1, "x", {}); });
        });
        expectCommandError("client32@relay-server3.net is not a shareable terminal", [&] {
            sites.node("client11").withTerminal([&](core::TerminalEngine& t) {
                t.createShare(groups.group1, "x", {FourSites::account("client32")});
            });
        });
        expectCommandError("already shared by", [&] {
            sites.node("client12").withTerminal([&](core::TerminalEngine& t) {
                t.addResource(shares.workspace1, "folderA", "c:/folderB");
            });
        });
        expectCommandError("not allowed", [&] {
            sites.node("client12").withTerminal([&](core::TerminalEngine& t) {
                t.addResource(shares.workspace1, "escape", "c:/../etc/passwd");
            });
        });
        expectCommandError("no store serves", [&] {
            sites.node("client12").withTerminal([&](core::TerminalEngine& t) {
                t.addResource(shares.workspace1, "elsewhere", "d:/data");
            });
        });
        expectCommandError("not_found", [&] {
            sites.node("client12").withTerminal([&](core::TerminalEngine& t) {
                t.addResource(shares.workspace1, "missing", "c:/no-such-file");
            });
        });
        expectCommandError("not a member", [&] {
            sites.node("client32").withTerminal([&](core::TerminalEngine& t) {
                t.addResource(shares.workspace1, "x", "c:/x");
            });
        });
    }

    // A relay takes resource information only from share members, and entries only from their owner.
    void relayRefusesUpdatesFromNonMembers() {
        FourSites sites;
        putEntities(sites);
        const auto shares = shareResources(sites, formGroups(sites));
        const auto before = sites.dump("R1");
        auto forged = *entryAt(sites, "client12", shares.workspace1, "folderA");
        forged.status = "file not found";
        forged.version = 99;
        core::Message message;
        message.type = core::MessageType::update_resource_info;
        message.id = FourSites::account("client12") + "#forged.1";
        message.from = FourSites::account("client12");
        message.to = FourSites::account("R1");
        message.body->set("share_id", shares.workspace1);
        message.body->set("entries", core::toJson(std::vector<core::ResourceEntry>{forged}));
        CPPUNIT_ASSERT(sites.network().send(message.from, message.to, core::encode(message)).isOk());
        sites.settle();
        CPPUNIT_ASSERT_EQUAL(before, sites.dump("R1"));
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), entryAt(sites, "client21", shares.workspace1, "folderA")->status);
    }

private:
    static std::string entriesText(FourSites& sites, const std::string& node, const std::string& share_id) {
        return sites.node(node).withEngine([&](core::EngineBase& engine) {
            std::string text;
            for (const auto& e : engine.shares().entries(share_id))
                text += e.name + "|" + e.owner + "|" + e.location + "|" + e.status + "|" +
                        std::to_string(e.details.size) + "|" + std::to_string(e.version) + "\n";
            return text;
        });
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SharingTest);

}  // namespace relaysync::test
