#pragma once
// Reproducible trees of files for the benchmarks: one spec gives the same names, sizes and bytes
// on every run and machine, so that figures taken on different days are of the same tree. A
// tree already written by the same spec is reused (a stamp file inside says which spec wrote
// it, next to the tree, so that no tool counts it): writing 100,000 files takes minutes on a
// busy disk, reading them a second.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace relaysync::bench {

struct TreeSpec {
    std::size_t files = 10'000;
    std::size_t per_folder = 100;  // files in each folder that holds files
    // Folder levels above the files: 0 puts every file in the top folder, 1 gives
    // "d<k>/f<i><ext>", 2 "d<k/fanout>/d<k>/f<i><ext>", and so on.
    std::size_t depth = 1;
    std::size_t fanout = 10;
    // Each file's size: min_bytes when both are equal, else drawn log-uniformly between them.
    std::uint64_t min_bytes = 16;
    std::uint64_t max_bytes = 16;
    std::uint64_t seed = 1;
    std::string extension = ".txt";

    // "files=... seed=...": what the stamp holds.
    std::string describe() const;
};

// File `i`'s path below the tree's top folder, with '/' between components.
std::string treeFilePath(const TreeSpec& spec, std::size_t i);
// File `i`'s size in bytes.
std::uint64_t treeFileSize(const TreeSpec& spec, std::size_t i);
// The bytes of every file together.
std::uint64_t treeBytes(const TreeSpec& spec);

// Writes the tree at `top` (removing whatever was there), or keeps the one there when its stamp
// names the same spec. True when it wrote. Throws std::runtime_error when a file cannot be written.
bool makeTree(const TreeSpec& spec, const std::filesystem::path& top);

// The stamp makeTree leaves beside the top folder: "<top>.tree-spec".
std::filesystem::path treeStamp(const std::filesystem::path& top);

}  // namespace relaysync::bench
