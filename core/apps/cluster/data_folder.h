#pragma once
// The data folder of a program that runs nodes (relaysync-four-site, relaysync-bench-soak):
// wiped and made anew at each start, but only when the program made it itself, so that a
// mistyped --data never wipes someone's files.

#include <filesystem>
#include <string>

namespace relaysync::cluster {

// Makes `requested` an empty folder holding the marker file ".<program>", and returns its
// absolute path. Throws std::runtime_error when it exists and is not a folder, or is not empty
// and has no marker.
std::filesystem::path prepareDataFolder(const std::filesystem::path& requested, const std::string& program);

}  // namespace relaysync::cluster
