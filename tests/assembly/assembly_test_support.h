#pragma once
// Helpers of the assembly suite: a throwaway folder, profile files written into it, and text
// assertions.

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace relaysync::core::assemblytest {

// A unique folder under the system temp folder, removed with everything in it at the end.
class TempDir {
public:
    TempDir() {
        static std::atomic<unsigned> counter{0};
        std::random_device random;
        path_ = std::filesystem::temp_directory_path() /
                ("relaysync-assembly-" + std::to_string(random()) + "-" + std::to_string(++counter));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

    // Writes `text` to `name` inside the folder (parents created) and returns its path.
    std::string write(const std::string& name, const std::string& text) const {
        const auto file = path_ / name;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
        return file.string();
    }

private:
    std::filesystem::path path_;
};

}  // namespace relaysync::core::assemblytest

#define RS_ASSERT_CONTAINS(text, part)                                              \
    CPPUNIT_ASSERT_MESSAGE(std::string("expected '") + (part) + "' in:\n" + (text), \
                           std::string(text).find(part) != std::string::npos)
#define RS_ASSERT_NOT_CONTAINS(text, part)                                                 \
    CPPUNIT_ASSERT_MESSAGE(std::string("did not expect '") + (part) + "' in:\n" + (text), \
                           std::string(text).find(part) == std::string::npos)
