#pragma once
// A relay profile for tests that need one real relay daemon and no peers: relay-server1@net on
// the direct transport in plaintext (no certificates), on a port that was free, logging to
// <dir>/<name>.log.

#include <filesystem>
#include <string>

namespace relaysync::e2e {

// Writes <dir>/<name>.yaml and returns its path. An empty `admin_socket` leaves the default
// (next to the database).
std::filesystem::path writePlainRelayProfile(const std::filesystem::path& dir, const std::string& name,
                                             const std::filesystem::path& plugin_dir,
                                             const std::filesystem::path& database,
                                             const std::string& admin_socket = {});

}  // namespace relaysync::e2e
