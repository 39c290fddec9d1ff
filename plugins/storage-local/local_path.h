#pragma once
// Path confinement: a store path may only ever name something inside the store's root, however
// it is spelled and whatever symlinks lie on the way.

#include <filesystem>
#include <string>
#include <vector>

#include "relaysync/sdk/status.h"
#include "store_path.h"

namespace relaysync::storage_local {

using plugin_common::splitStorePath;

// Whether `inner` is `root` or lies below it, compared component by component, so that
// "/srv/share2" is not inside "/srv/share". Both absolute and lexically normal.
bool isWithin(const std::filesystem::path& root, const std::filesystem::path& inner);

// Walks `components` from `start` (a symlink-free folder inside `root`, itself canonical),
// following every symlink on the way as the kernel would, and gives the symlink-free path of
// what they name in `resolved`.
//   ok                the entity exists and lies inside `root`;
//   invalid_argument  the walk leads outside `root`, also when what lies there does not exist
//                     (a symlink to an unmounted drive must not read as "gone");
//   not_found, permission_denied, io_error   from the file system, inside `root`.
// `what` is the store path asked for, for messages.
sdk::Status resolveWithin(const std::filesystem::path& root, const std::filesystem::path& start,
                          const std::vector<std::string>& components, const std::string& what,
                          std::filesystem::path& resolved);

}  // namespace relaysync::storage_local
