#pragma once
// What the store should answer about the fixture: the manifest seen through the contract
// (a link inside is what it points to; links out and loops are not listed).

#include <map>
#include <string>
#include <vector>

#include "relaysync/sdk/conformance/fixture.h"
#include "relaysync/sdk/entity.h"

namespace relaysync::sdk::conformance {

// "" (the root) and every folder of the fixture, not counting links.
std::vector<std::string> fixtureFolders();

// Every regular file of the fixture, not counting links.
std::vector<const FixtureItem*> fixtureFiles();

// What list(folder) must give: name -> kind. Without symlinks, the links' names are not in it.
std::map<std::string, EntityKind> expectedChildren(const std::string& folder, bool symlinks);

// Whether `name` in `folder` is one of the fixture's links (ignored in listings of a store
// without symlinks, whatever it makes of them).
bool isFixtureLink(const std::string& folder, const std::string& name);

// The kind a fixture item is reported as: a link inside as what it points to.
EntityKind reportedKind(const FixtureItem& item);

}  // namespace relaysync::sdk::conformance
