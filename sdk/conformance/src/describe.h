#pragma once
// How failure messages show paths, statuses, details and listings: readable, and exact where
// it matters (a NUL byte in a path shows as \0).

#include <string>

#include "relaysync/sdk/entity.h"
#include "relaysync/sdk/status.h"

namespace relaysync::sdk::conformance {

// "'docs/report.txt'", "'' (the root)", control bytes escaped.
std::string quotedPath(const std::string& path);

// "file, 18 bytes, modified_ms 1764470000000".
std::string describeDetails(const EntityDetails& details);

// "dev 2049, file_id 1234, changed_ns 1764..., token 'x'"; "unknown" when empty.
std::string describeIdentity(const EntityIdentity& identity);

// "[docs (folder), hello.txt (file)]", sorted by name.
std::string describeListing(const FolderListing& items);

// "parent/name", or "name" under the root.
std::string childPath(const std::string& folder, const std::string& name);

}  // namespace relaysync::sdk::conformance
