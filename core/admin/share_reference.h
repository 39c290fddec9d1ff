#pragma once
// How an operator names a share on the command line: its id, its name when no other share this
// node holds has it, or the start of its id when only one id starts so.

#include <string>
#include <vector>

#include "model/share.h"

namespace relaysync::core {

// The id of the share `given` names among `shares` (deleted ones only by their full id). Throws
// CommandError: "unknown share 'x'", or, when it names several, which ones.
std::string resolveShareReference(const std::vector<Share>& shares, const std::string& given);

}  // namespace relaysync::core
