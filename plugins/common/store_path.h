#pragma once
// The one spelling of a store path every store accepts (sdk/resource_store.h): relative,
// '/'-separated, no empty, "." or ".." component, no NUL byte; "" is the root. Shared by the
// stores so that they refuse alike and word it alike.

#include <string>
#include <vector>

#include "relaysync/sdk/status.h"

namespace relaysync::plugin_common {

// Splits a store path into its components; invalid_argument for any other spelling.
sdk::Status splitStorePath(const std::string& path, std::vector<std::string>& components);

// Every piece between slashes, empty ones included ("a//b" is "a", "", "b").
std::vector<std::string> splitOnSlash(const std::string& text);

// "'folderA/x.txt'", or "the root" for "": how messages name an entity.
std::string quoted(const std::string& path);

}  // namespace relaysync::plugin_common
