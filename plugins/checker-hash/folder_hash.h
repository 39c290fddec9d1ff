#pragma once
// A folder's hash (docs/checker-hash.md, "A folder's hash"): the digest of the sorted lines
// "<kind>\t<name>\t<hash>\n" of the items directly inside it, where a file's hash is its content
// hash and a sub-folder's is its folder hash, by the same rule. Names are one path component
// each, with the bytes 0x00-0x1F, '%' and 0x7F written as %XX; lines sort byte by byte.

#include <functional>
#include <string>

#include "relaysync/sdk/folder_hashing.h"

namespace relaysync::checker_hash {

// `digest` turns the concatenated lines of one folder into "<algorithm>:<hex>". `beneath` is
// everything under the folder (sdk::FolderContents), in any order; a folder that holds an item
// but is not listed itself counts as listed.
std::string folderHash(const sdk::FolderContents& beneath, const std::function<std::string(const std::string&)>& digest);

// `name` as it appears in a line.
std::string encodeName(const std::string& name);

}  // namespace relaysync::checker_hash
