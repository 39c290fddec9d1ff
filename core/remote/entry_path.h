#pragma once
// Where a remote browse or fetch may read: inside the shared entry's location only. A sub-path
// is a clean relative path (no "..", ".", empty component, leading '/', backslash or NUL); the
// store then refuses whatever resolves out of its root, symlinks included (sdk ResourceStore).

#include <string>

namespace relaysync::core {

struct EntryPath {
    std::string location;  // the entry's location, joined with the sub-path
    std::string problem;   // why the sub-path is refused; empty when it is allowed
};

// The location to read for `sub_path` ("" = the entry itself) inside an entry at `location`.
EntryPath entryPath(const std::string& location, const std::string& sub_path);

}  // namespace relaysync::core
