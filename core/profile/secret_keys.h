#pragma once
// Secrets never land in logs: error messages quote a value only when its key cannot hold one.

#include <string>
#include <string_view>

namespace relaysync::core {

// True when a value under this key path may hold a credential: any path segment whose name
// contains "password", "secret", "passphrase" or "key" (any case), or the database key
// (a PostgreSQL connection string can carry a password).
bool isSecretKeyPath(std::string_view key_path);

// "'value'" for an ordinary key, "<redacted>" for a secret one: the only way the loader
// quotes a value in a message.
std::string quoteValue(std::string_view key_path, std::string_view value);

}  // namespace relaysync::core
