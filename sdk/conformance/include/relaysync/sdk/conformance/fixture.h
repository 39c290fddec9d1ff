#pragma once
// The standard fixture tree a store's root must hold for the conformance suite: what is in it
// (the manifest, which the suite checks the store's answers against) and how to write it into
// a local folder, from which it can be used as is, packed into an archive or copied to a share.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace relaysync::sdk::conformance {

enum class FixtureItemType {
    file,
    folder,
    link_inside,   // a symlink to a file or folder inside the root: reported as what it points to
    link_outside,  // a symlink that leads out of the root: refused, and left out of listings
    link_loop,     // one of two symlinks pointing at each other: fails, and left out of listings
};

struct FixtureItem {
    std::string path;  // store path, '/'-separated, relative to the root
    FixtureItemType type = FixtureItemType::file;
    std::string content;      // files: the exact bytes
    std::string link_target;  // links: the symlink's target as written on disk
    std::string resolves_to;  // link_inside: the store path of the item it points to

    bool isLink() const noexcept { return type >= FixtureItemType::link_inside; }
};

// The manifest: every item of the fixture, parents before children. The root ("") is not an
// item. Built once; the same for every store.
const std::vector<FixtureItem>& fixtureItems();

// The item at `path`, or nullptr.
const FixtureItem* findFixtureItem(const std::string& path);

// Writes the fixture into `folder`, which is created if missing and must then be empty (so that
// the root holds exactly the fixture). Symlinks are written as they are in the manifest; pass
// with_symlinks = false for a copy meant for a store without symlinks. Throws
// std::filesystem::filesystem_error or std::runtime_error, saying what could not be written.
void writeConformanceFixture(const std::filesystem::path& folder, bool with_symlinks = true);

}  // namespace relaysync::sdk::conformance
