#pragma once
// Loading a site's YAML profile (format: docs/profile.md; examples: config/).
// Every problem — unreadable file, YAML syntax, unknown or missing key, wrong type or value,
// unset ${VAR} — is a ProfileError whose message names the file, line, column and key path.

#include <string>

#include "profile/env_expansion.h"
#include "profile/profile.h"
#include "profile/profile_error.h"

namespace relaysync::core {

// The `relaysync:` version this build reads.
inline constexpr int kProfileFormatVersion = 1;

// Reads and validates the profile at `path`; ${VAR} comes from the process environment.
Profile loadProfile(const std::string& path);
Profile loadProfile(const std::string& path, const EnvironmentLookup& environment);

// The same for text already in memory; `source_name` stands for the file in messages and
// becomes Profile::source.
Profile parseProfile(const std::string& yaml_text, const std::string& source_name);
Profile parseProfile(const std::string& yaml_text, const std::string& source_name,
                     const EnvironmentLookup& environment);

// Only what a client needs to find a running daemon's admin socket: `database` and
// `admin.socket`, ${VAR}-expanded, and nothing else read or checked, so that relaysync-admin works
// without the variables and files only the daemon needs. Errors as loadProfile's.
struct AdminSocketFields {
    std::string database;
    std::string admin_socket;  // empty when the profile does not name one
};
AdminSocketFields loadAdminSocketFields(const std::string& path);
AdminSocketFields loadAdminSocketFields(const std::string& path, const EnvironmentLookup& environment);

}  // namespace relaysync::core
