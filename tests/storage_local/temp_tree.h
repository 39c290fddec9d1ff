#pragma once
// A throwaway folder tree under the system temp folder, removed with everything in it (whatever
// its permissions) when the TempTree goes.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace relaysync::tests {

class TempTree {
public:
    TempTree();  // throws std::filesystem::filesystem_error when it cannot be made
    ~TempTree();
    TempTree(const TempTree&) = delete;
    TempTree& operator=(const TempTree&) = delete;

    // The tree's own top folder; tests put the store root and things "outside" it below it.
    const std::filesystem::path& base() const { return base_; }

    // Paths relative to base(). Folders are 0755 and files 0644 whatever the umask, so that an
    // unprivileged child process can read them too.
    std::filesystem::path makeFolder(const std::string& relative) const;
    std::filesystem::path writeFile(const std::string& relative, const std::string& content) const;
    std::filesystem::path symlink(const std::string& relative, const std::filesystem::path& target) const;

private:
    std::filesystem::path base_;
};

// A point in time as the file system stores it, from milliseconds since the Unix epoch.
std::filesystem::file_time_type fileTimeFromMs(std::int64_t ms);

}  // namespace relaysync::tests
