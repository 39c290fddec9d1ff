// Users take back what they shared, over the four sites: a share's creator adds and removes
// members or deletes the share, an owner removes a resource. Every node that holds the share
// ends the same, whatever the order or duplication of the messages, and nothing late brings
// back what was taken away.
#include <cppunit/extensions/HelperMacros.h>

#include <map>

#include "protocol/codec.h"
#include "scenario_steps.h"

namespace relaysync::test {

namespace {

using core::TerminalEngine;

std::string entriesText(FourSites& sites, const std::string& node, const std::string& share_id) {
    return sites.node(node).withEngine([&](core::EngineBase& engine) {
        std::string text;
        for (const auto& e : engine.shares().entries(share_id))
            text += e.name + "|" + FourSites::shortName(e.owner) + "|" + e.location + "|" + e.status + "|v" +
                    std::to_string(e.version) + "\n";
        return text;
    });
}

void admit(FourSites& sites, const std::string& relay, const std::string& group, const std::string& terminal) {
    sites.node(relay).withRelay([&](core::RelayEngine& r) {
        r.addTerminal(group, FourSites::account(terminal), "PC " + terminal.substr(6), "Design");
    });
    sites.settle();
}

std::vector<std::string> accounts(std::initializer_list<const char*> names) {
    std::vector<std::string> result;
    for (const auto* name : names) result.push_back(FourSites::account(name));
    return result;
}

// The first message of `type` carried from `from` to `to` since the network started.
core::InProcessNetwork::Delivery firstCarried(FourSites& sites, core::MessageType type, const std::string& from,
                                              const std::string& to) {
    for (const auto& delivery : sites.network().carried())
        if (delivery.from == FourSites::account(from) && delivery.to == FourSites::account(to) &&
            core::decode(delivery.payload).type == type)
            return delivery;
    throw std::runtime_error("no such message was carried");
}

// Every undo of a user in one day, each step settled: client32 joins workspace1, client22
// leaves it, client21 takes budget.xls back, client31 deletes projects; then a synchronize.
void undoStory(FourSites& sites) {
    putEntities(sites);
    const auto groups = formGroups(sites);
    const auto shares = shareResources(sites, groups);
    admit(sites, "R3", groups.group1, "client32");
    sites.node("client11").withTerminal([&](TerminalEngine& t) {
        t.addShareMembers(shares.workspace1, accounts({"client32"}));
    });
    sites.settle();
    sites.node("client11").withTerminal([&](TerminalEngine& t) {
        t.removeShareMembers(shares.workspace1, accounts({"client22"}));
    });
    sites.settle();
    sites.node("client21").withTerminal([&](TerminalEngine& t) { t.removeResource(shares.workspace1, "budget.xls"); });
    sites.settle();
    sites.node("client31").withTerminal([&](TerminalEngine& t) { t.deleteShare(shares.projects); });
    sites.settle();
    synchronize(sites, "client12", shares.workspace1);
}

std::map<std::string, std::string> dumpAll(FourSites& sites) {
    std::map<std::string, std::string> dumps;
    for (const auto& node : FourSites::allNames()) dumps[node] = sites.dump(node);
    return dumps;
}

}  // namespace

class ShareChangesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ShareChangesTest);
    CPPUNIT_TEST(addedMembersGetTheWholeCopyAtEverySite);
    CPPUNIT_TEST(removedMembersDropTheShareAndComeBackWithTheirRecords);
    CPPUNIT_TEST(aDeletedShareIsGoneEverywhereAndStaysGone);
    CPPUNIT_TEST(aRemovedResourceIsGoneEverywhere);
    CPPUNIT_TEST(undoConvergesWhateverTheOrderAndDuplicationOfMessages);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        world_ = std::make_unique<SharedSites>();
        groups_ = world_->groups;
        shares_ = world_->shares;
    }

    // client32 (admitted to group 1 at R3, which holds members already) and client41 (at R4,
    // a relay new to the group and to the share) join workspace1 and get all of it.
    void addedMembersGetTheWholeCopyAtEverySite() {
        admit(sites(), "R3", groups_.group1, "client32");
        sites().node("R1").withRelay([&](core::RelayEngine& r1) { r1.addGroup(FourSites::account("R4"), groups_.group1); });
        sites().settle();
        admit(sites(), "R4", groups_.group1, "client41");
        const auto changed = sites().node("client11").withTerminal([&](TerminalEngine& t) {
            return t.addShareMembers(shares_.workspace1, accounts({"client41", "client32"}));
        });
        sites().settle();
        CPPUNIT_ASSERT_EQUAL(std::size_t{7}, changed.members.size());
        const auto expected = entriesText(sites(), "client11", shares_.workspace1);
        CPPUNIT_ASSERT(expected.find("file100.pdf|client31") != std::string::npos);
        for (const auto& node : {"R1", "R2", "R3", "R4", "client11", "client12", "client21", "client22", "client31",
                                 "client32", "client41"}) {
            CPPUNIT_ASSERT_MESSAGE(node, shareAt(sites(), node, shares_.workspace1) == changed);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, expected, entriesText(sites(), node, shares_.workspace1));
        }
        CPPUNIT_ASSERT(!shareRecordAt(sites(), "client42", shares_.workspace1));

        // The newcomer shares in turn, and everyone hears of it.
        sites().disk("client41").putFile("report.pdf", 41, 41'000);
        sites().node("client41").withTerminal(
            [&](TerminalEngine& t) { t.addResource(shares_.workspace1, "report.pdf", "c:/report.pdf"); });
        sites().settle();
        for (const auto& node : {"client11", "client22", "client32", "R2"})
            CPPUNIT_ASSERT_MESSAGE(node, entryAt(sites(), node, shares_.workspace1, "report.pdf"));
    }

    // client31 and client22 leave workspace1: they drop it, their resources show nowhere, R3
    // (no members left) is no longer asked in a synchronize. client31 comes back with its own.
    void removedMembersDropTheShareAndComeBackWithTheirRecords() {
        const auto file100 = *entryAt(sites(), "client12", shares_.workspace1, "file100.pdf");
        const auto changed = sites().node("client11").withTerminal([&](TerminalEngine& t) {
            return t.removeShareMembers(shares_.workspace1, accounts({"client31", "client22"}));
        });
        sites().settle();
        for (const auto& node : {"client31", "client22"})
            CPPUNIT_ASSERT_MESSAGE(node, !shareRecordAt(sites(), node, shares_.workspace1));
        CPPUNIT_ASSERT(shareAt(sites(), "client31", shares_.projects));  // its other share stays
        const auto expected = entriesText(sites(), "client11", shares_.workspace1);
        CPPUNIT_ASSERT_MESSAGE(expected, expected.find("client31") == std::string::npos);
        for (const auto& node : {"R1", "R2", "R3", "client11", "client12", "client21"}) {
            CPPUNIT_ASSERT_MESSAGE(node, shareAt(sites(), node, shares_.workspace1) == changed);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(node, expected, entriesText(sites(), node, shares_.workspace1));
        }

        sites().network().clearCarried();
        const auto report = synchronize(sites(), "client12", shares_.workspace1);
        CPPUNIT_ASSERT(report.problems.empty() && report.unreachable_nodes.empty());
        for (const auto& delivery : sites().network().carried())
            for (const auto& away : {"R3", "client31", "client22"})
                CPPUNIT_ASSERT_MESSAGE(delivery.to, delivery.to != FourSites::account(away));

        sites().node("client11").withTerminal(
            [&](TerminalEngine& t) { t.addShareMembers(shares_.workspace1, accounts({"client31"})); });
        sites().settle();
        for (const auto& node : {"R1", "R2", "R3", "client11", "client21", "client31"})
            CPPUNIT_ASSERT_MESSAGE(node, entryAt(sites(), node, shares_.workspace1, "file100.pdf") == file100);
        // It numbers on from its records: a change is version 2 everywhere.
        sites().disk("client31").putFile("docs/file100.pdf", 501, 9'000);
        synchronize(sites(), "client31", shares_.workspace1);
        CPPUNIT_ASSERT_EQUAL(file100.version + 1, entryAt(sites(), "client21", shares_.workspace1, "file100.pdf")->version);
    }

    void aDeletedShareIsGoneEverywhereAndStaysGone() {
        const auto old_policy = firstCarried(sites(), core::MessageType::policy_data, "R1", "R2");
        const auto old_definition = firstCarried(sites(), core::MessageType::create_shared_resource, "client11", "R1");
        const auto tombstone =
            sites().node("client11").withTerminal([&](TerminalEngine& t) { return t.deleteShare(shares_.workspace1); });
        sites().settle();
        const std::vector<std::string> holders{"R1", "R2", "R3", "client11", "client12", "client21", "client22", "client31"};
        const auto deleted_everywhere = [&](const std::string& when) {
            for (const auto& node : holders) {
                CPPUNIT_ASSERT_MESSAGE(when + node, shareRecordAt(sites(), node, shares_.workspace1) == tombstone);
                CPPUNIT_ASSERT_EQUAL_MESSAGE(when + node, std::string(), entriesText(sites(), node, shares_.workspace1));
            }
        };
        deleted_everywhere("");
        for (const auto& node : {"R4", "client32", "client41"})
            CPPUNIT_ASSERT_MESSAGE(node, !shareRecordAt(sites(), node, shares_.workspace1));
        CPPUNIT_ASSERT(entryAt(sites(), "client32", shares_.projects, "file100.pdf"));  // another share, untouched

        // The first definition and its records, late: refused at R1, ignored at R2.
        replay(sites(), old_policy, "late");
        replay(sites(), old_definition, "late");
        deleted_everywhere("after late messages: ");
        // Nobody can synchronize it any more, and the creator's next share gets another id.
        expectCommandError("not a member of share", [&] {
            sites().node("client12").withTerminal([&](TerminalEngine& t) { t.synchronize(shares_.workspace1); });
        });
        const auto again = sites().node("client11").withTerminal(
            [&](TerminalEngine& t) { return t.createShare(groups_.group1, "workspace1", {}); });
        CPPUNIT_ASSERT(again != shares_.workspace1);
    }

    void aRemovedResourceIsGoneEverywhere() {
        const auto budget = *entryAt(sites(), "client11", shares_.workspace1, "budget.xls");
        const auto tombstone = sites().node("client21").withTerminal(
            [&](TerminalEngine& t) { return t.removeResource(shares_.workspace1, "budget.xls"); });
        sites().settle();
        CPPUNIT_ASSERT_EQUAL(budget.version + 1, tombstone.version);
        for (const auto& node : {"R1", "R2", "R3", "client11", "client12", "client21", "client22", "client31"}) {
            CPPUNIT_ASSERT_MESSAGE(node, !entryAt(sites(), node, shares_.workspace1, "budget.xls"));
            const auto record = sites().node(node).withEngine([&](core::EngineBase& engine) {
                return engine.shares().entryOf(shares_.workspace1, "budget.xls", FourSites::account("client21"));
            });
            CPPUNIT_ASSERT_MESSAGE(node, record == tombstone);
        }
        expectCommandError("'folderB' is shared by " + FourSites::account("client12") + "; only its owner can remove it",
                           [&] {
                               sites().node("client11").withTerminal(
                                   [&](TerminalEngine& t) { t.removeResource(shares_.workspace1, "folderB"); });
                           });
        // The same entity stays in projects; a synchronize does not bring the removed one back.
        sites().node("client31").withTerminal([&](TerminalEngine& t) { t.removeResource(shares_.workspace1, "file100.pdf"); });
        sites().settle();
        CPPUNIT_ASSERT(entryAt(sites(), "client32", shares_.projects, "file100.pdf"));
        synchronize(sites(), "client11", shares_.workspace1);
        for (const auto& name : {"budget.xls", "file100.pdf"})
            CPPUNIT_ASSERT_MESSAGE(name, !entryAt(sites(), "client22", shares_.workspace1, name));
    }

    void undoConvergesWhateverTheOrderAndDuplicationOfMessages() {
        FourSites reference;
        undoStory(reference);
        const auto expected = dumpAll(reference);
        CPPUNIT_ASSERT(expected.at("client32").find("deleted share") != std::string::npos);
        CPPUNIT_ASSERT(expected.at("client32").find("folderA") != std::string::npos);
        CPPUNIT_ASSERT(expected.at("client22").find("workspace1") == std::string::npos);
        CPPUNIT_ASSERT(expected.at("R1").find("entry budget.xls") == std::string::npos);
        for (unsigned seed : {1u, 2u, 3u, 4u}) {
            FourSites sites;
            sites.network().setShuffle(seed);
            sites.network().setDuplicate(seed % 2 == 0);
            undoStory(sites);
            for (const auto& [node, dump] : expected)
                CPPUNIT_ASSERT_EQUAL_MESSAGE("seed " + std::to_string(seed) + ", node " + node, dump, sites.dump(node));
        }
    }

    void tearDown() override { world_.reset(); }

private:
    FourSites& sites() { return world_->sites; }

    std::unique_ptr<SharedSites> world_;
    Groups groups_;
    Shares shares_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ShareChangesTest);

}  // namespace relaysync::test
