#pragma once
// What every program prints for --version, and the brand line of --help.

#include <string>
#include <string_view>

namespace relaysync::brand {

// "<program> (<product>) <version>", then the protocol and plugin ABI it speaks, the vendor and
// where to get support: one line each, ending in a newline.
std::string versionText(std::string_view program);

// "<product> <version>; support: <url>" for the foot of --help.
std::string helpFooter();

// The installed program's name for a role: "relay" gives "<prefix>-relay".
std::string programName(std::string_view role);

}  // namespace relaysync::brand
