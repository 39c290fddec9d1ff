// Writes the fixture into a local folder.

#include <fstream>
#include <stdexcept>

#include "relaysync/sdk/conformance/fixture.h"

namespace relaysync::sdk::conformance {

namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& file, const std::string& content) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace

void writeConformanceFixture(const fs::path& folder, bool with_symlinks) {
    fs::create_directories(folder);
    // The suite compares listings exactly: anything else in the root would fail it.
    if (!fs::is_empty(folder))
        throw std::runtime_error(folder.string() + " is not empty; the fixture needs a folder of its own");
    for (const auto& item : fixtureItems()) {
        const fs::path at = folder / item.path;  // bytes as they are: the names are UTF-8
        switch (item.type) {
        case FixtureItemType::folder: fs::create_directory(at); break;
        case FixtureItemType::file: writeFile(at, item.content); break;
        default:
            if (with_symlinks) fs::create_symlink(item.link_target, at);
            break;
        }
    }
}

}  // namespace relaysync::sdk::conformance
