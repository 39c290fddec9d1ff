#include "expected.h"

#include "describe.h"

namespace relaysync::sdk::conformance {

namespace {

std::string parentOf(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string nameOf(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::vector<std::string> fixtureFolders() {
    std::vector<std::string> folders{""};
    for (const auto& item : fixtureItems())
        if (item.type == FixtureItemType::folder) folders.push_back(item.path);
    return folders;
}

std::vector<const FixtureItem*> fixtureFiles() {
    std::vector<const FixtureItem*> files;
    for (const auto& item : fixtureItems())
        if (item.type == FixtureItemType::file) files.push_back(&item);
    return files;
}

EntityKind reportedKind(const FixtureItem& item) {
    if (item.type == FixtureItemType::link_inside) return reportedKind(*findFixtureItem(item.resolves_to));
    return item.type == FixtureItemType::folder ? EntityKind::folder : EntityKind::file;
}

std::map<std::string, EntityKind> expectedChildren(const std::string& folder, bool symlinks) {
    std::map<std::string, EntityKind> children;
    for (const auto& item : fixtureItems()) {
        if (parentOf(item.path) != folder) continue;
        if (item.isLink() && (!symlinks || item.type != FixtureItemType::link_inside)) continue;
        children.emplace(nameOf(item.path), reportedKind(item));
    }
    return children;
}

bool isFixtureLink(const std::string& folder, const std::string& name) {
    const FixtureItem* item = findFixtureItem(childPath(folder, name));
    return item && item->isLink();
}

}  // namespace relaysync::sdk::conformance
