#include "temp_tree.h"

#include <stdlib.h>

#include <cerrno>
#include <cstdio>
#include <system_error>
#include <vector>

namespace relaysync::tests {

namespace fs = std::filesystem;

namespace {

// Tests chmod things to 000; give the owner access back everywhere so that removal works
// even when the tests do not run as root.
void makeRemovable(const fs::path& folder) {
    std::error_code ec;
    fs::permissions(folder, fs::perms::owner_all, fs::perm_options::add, ec);
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_symlink(ec)) continue;
        if (it->is_directory(ec)) makeRemovable(it->path());
        else fs::permissions(it->path(), fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add, ec);
    }
}

}  // namespace

TempTree::TempTree() {
    std::string pattern = (fs::temp_directory_path() / "relaysync-storage-local-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!::mkdtemp(buffer.data()))
        throw fs::filesystem_error("mkdtemp", pattern, std::error_code(errno, std::generic_category()));
    base_ = buffer.data();
    // mkdtemp makes it 0700; an unprivileged child must be able to enter it.
    fs::permissions(base_, fs::perms(0755));
}

TempTree::~TempTree() {
    std::error_code ec;
    makeRemovable(base_);
    fs::remove_all(base_, ec);
}

fs::path TempTree::makeFolder(const std::string& relative) const {
    const fs::path path = base_ / relative;
    fs::create_directories(path);
    fs::permissions(path, fs::perms(0755));
    return path;
}

fs::path TempTree::writeFile(const std::string& relative, const std::string& content) const {
    const fs::path path = base_ / relative;
    fs::create_directories(path.parent_path());
    {
        std::FILE* file = std::fopen(path.c_str(), "wb");
        if (!file) throw fs::filesystem_error("fopen", path, std::error_code(errno, std::generic_category()));
        const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
        const bool closed = std::fclose(file) == 0;
        if (!written || !closed) throw fs::filesystem_error("write", path, std::make_error_code(std::errc::io_error));
    }
    fs::permissions(path, fs::perms(0644));
    return path;
}

fs::path TempTree::symlink(const std::string& relative, const fs::path& target) const {
    const fs::path path = base_ / relative;
    fs::create_symlink(target, path);
    return path;
}

fs::file_time_type fileTimeFromMs(std::int64_t ms) {
    using namespace std::chrono;
    return file_clock::from_sys(sys_time<milliseconds>(milliseconds(ms)));
}

}  // namespace relaysync::tests
