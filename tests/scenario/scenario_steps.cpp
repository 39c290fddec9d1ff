#include "scenario_steps.h"

#include <stdexcept>

#include "protocol/codec.h"

namespace relaysync::test {

using core::RelayEngine;
using core::TerminalEngine;

Groups formGroups(FourSites& sites) {
    Groups groups;
    groups.group1 = sites.node("R1").withRelay(
        [&](RelayEngine& r1) { return r1.createGroup(FourSites::account("R2")); });
    sites.settle();
    sites.node("R1").withRelay([&](RelayEngine& r1) { r1.addGroup(FourSites::account("R3"), groups.group1); });
    sites.settle();
    groups.group2 = sites.node("R3").withRelay([](RelayEngine& r3) { return r3.createGroup(std::nullopt); });

    auto admit = [&](const std::string& relay, const std::string& group, const std::string& terminal,
                     const std::string& department) {
        sites.node(relay).withRelay([&](RelayEngine& engine) {
            engine.addTerminal(group, FourSites::account(terminal), "PC " + terminal.substr(6), department);
        });
        sites.settle();
    };
    admit("R1", groups.group1, "client11", "Sales");
    admit("R1", groups.group1, "client12", "Engineering");
    admit("R2", groups.group1, "client21", "Sales");
    admit("R2", groups.group1, "client22", "Accounting");
    admit("R3", groups.group1, "client31", "Engineering");
    admit("R3", groups.group2, "client31", "Engineering");
    admit("R3", groups.group2, "client32", "Design");
    return groups;
}

void putEntities(FourSites& sites) {
    sites.disk("client11").putFile("folderA/a.txt", 100, 1'000);
    sites.disk("client11").putFile("folderA/b.txt", 200, 2'000);
    sites.fileServer("client11").putFile("folderZ/budget.xls", 700, 7'000);
    sites.disk("client12").putFile("folderB/plan.doc", 300, 3'000);
    sites.disk("client21").putFile("budget.xls", 400, 4'000);
    sites.disk("client31").putFile("docs/file100.pdf", 500, 5'000);
    sites.disk("client31").putFile("folderE/e.txt", 600, 6'000);
}

Shares shareResources(FourSites& sites, const Groups& groups) {
    Shares shares;
    auto account = &FourSites::account;
    shares.workspace1 = sites.node("client11").withTerminal([&](TerminalEngine& t) {
        return t.createShare(groups.group1, "workspace1",
                             {account("client12"), account("client21"), account("client22"), account("client31")});
    });
    sites.settle();
    auto add = [&](const std::string& terminal, const std::string& share, const std::string& name,
                   const std::string& location) {
        sites.node(terminal).withTerminal([&](TerminalEngine& t) { t.addResource(share, name, location); });
        sites.settle();
    };
    add("client11", shares.workspace1, "folderA", "c:/folderA");
    add("client11", shares.workspace1, "budgetZ", "network/z:/folderZ/budget.xls");
    add("client12", shares.workspace1, "folderB", "c:/folderB");
    add("client21", shares.workspace1, "budget.xls", "c:/budget.xls");
    add("client31", shares.workspace1, "file100.pdf", "c:/docs/file100.pdf");
    add("client31", shares.workspace1, "folderE", "c:/folderE");

    shares.projects = sites.node("client31").withTerminal(
        [&](TerminalEngine& t) { return t.createShare(groups.group2, "projects", {account("client32")}); });
    sites.settle();
    add("client31", shares.projects, "file100.pdf", "c:/docs/file100.pdf");
    return shares;
}

core::SyncReport synchronize(FourSites& sites, const std::string& terminal, const std::string& share_id,
                             const std::vector<std::string>& names) {
    const auto sync_id = sites.node(terminal).synchronize(share_id, names);
    sites.settle();
    const auto report = sites.node(terminal).withEngine(
        [&](core::EngineBase& engine) { return engine.syncs().result(sync_id); });
    if (!report) throw std::runtime_error("synchronize " + sync_id + " did not finish");
    return *report;
}

std::optional<core::ResourceEntry> entryAt(FourSites& sites, const std::string& node, const std::string& share_id,
                                           const std::string& name) {
    return sites.node(node).withEngine([&](core::EngineBase& engine) -> std::optional<core::ResourceEntry> {
        auto entry = engine.shares().entry(share_id, name);
        if (!entry || entry->removed) return std::nullopt;
        return entry;
    });
}

std::optional<core::Share> shareAt(FourSites& sites, const std::string& node, const std::string& share_id) {
    return sites.node(node).withEngine([&](core::EngineBase& engine) { return engine.shares().find(share_id); });
}

std::optional<core::RelayGroup> groupAt(FourSites& sites, const std::string& node, const std::string& group_id) {
    return sites.node(node).withEngine([&](core::EngineBase& engine) { return engine.groups().find(group_id); });
}

std::optional<core::Share> shareRecordAt(FourSites& sites, const std::string& node, const std::string& share_id) {
    return sites.node(node).withEngine([&](core::EngineBase& engine) { return engine.shares().record(share_id); });
}

void replay(FourSites& sites, const core::InProcessNetwork::Delivery& delivery, const std::string& tag) {
    auto message = core::decode(delivery.payload);
    message.id = message.from + "#" + tag + ".1";
    if (!sites.network().send(delivery.from, delivery.to, core::encode(message)).isOk())
        throw std::runtime_error("could not replay a message to " + delivery.to);
    sites.settle();
}

}  // namespace relaysync::test
