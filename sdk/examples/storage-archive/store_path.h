#pragma once
// Names, split into components: the store paths core asks for, and the member names an archive
// holds. Both end up as keys of one index ("folder/file.txt", "" for the root), so each entity
// has one spelling.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "relaysync/sdk/status.h"

namespace storage_archive {

// A store path, as the SDK defines it: relative, '/'-separated, no empty, "." or ".."
// component, no NUL byte; "" is the root. invalid_argument for anything else: a store must
// refuse such paths itself rather than trust core to have done it.
relaysync::sdk::Status splitStorePath(const std::string& path, std::vector<std::string>& components);

// A member name as tar or zip records it. Normalised the way extracting it would ("./a//b/" is
// "a/b"; "./" is the root, no components). False when extracting it would write outside the
// folder it is extracted to (absolute, a ".." component, a NUL byte): such members are left
// out of the index, never shown.
bool splitMemberName(std::string_view name, std::vector<std::string>& components);

// The index key of the first `count` components: "a/b".
std::string joinPath(const std::vector<std::string>& components, std::size_t count);
std::string joinPath(const std::vector<std::string>& components);

// The key of `name` inside the folder `folder` ("" is the root).
std::string childPath(const std::string& folder, const std::string& name);

}  // namespace storage_archive
