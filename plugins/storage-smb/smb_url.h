#pragma once
// smb:// URLs for libsmbclient. Every name is percent-encoded (RFC 3986 unreserved characters
// stay as they are): libsmbclient decodes %XX, and a raw '%', '?' or '#' would cut the URL.

#include <string>
#include <vector>

#include "smb_config.h"

namespace relaysync::storage_smb {

std::string percentEncode(const std::string& name);

// The characters a Windows name cannot hold, " * : < > ? |, as the Unicode private-use
// stand-ins of Services for Macintosh (U+F020...; Samba's catia and fruit modules, macOS and
// Windows servers use them): how such a name is spelled on the wire.
std::string toServerName(const std::string& name);
// The other way, for names the server lists.
std::string fromServerName(const std::string& name);

// smb://server:port/share/<folder...>/<components...>, every component through toServerName
std::string smbUrl(const SmbConfig& config, const std::vector<std::string>& components);

}  // namespace relaysync::storage_smb
