#pragma once
// Helpers shared by the profile tests: a fake environment, a known-good profile to vary, and
// catching the ProfileError a bad profile must raise.

#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <optional>
#include <string>

#include "profile/profile_loader.h"

namespace relaysync::core::test {

inline EnvironmentLookup fakeEnvironment(std::map<std::string, std::string> variables = {
                                             {"RELAYSYNC_DATA", "/srv/relaysync"}}) {
    return [variables](const std::string& name) -> std::optional<std::string> {
        const auto found = variables.find(name);
        if (found == variables.end()) return std::nullopt;
        return found->second;
    };
}

// A valid terminal profile; line numbers matter to the tests that use it.
inline const std::string kTerminalProfile = R"(relaysync: 1
node:
  role: terminal
  account: client11@relay-server1.net
  display_name: "Tokyo PC 11"
  department: Sales
  relay: relay-server1@net
database: sqlite:${RELAYSYNC_DATA}/client11.db
transport:
  plugin: direct
  config:
    listen: 127.0.0.1:7111
stores:
  - prefix: "c:"
    plugin: local
    config:
      root: ${RELAYSYNC_DATA}/client11/c
checker:
  plugin: timestamp-size
sync:
  gone_entity: mark
  max_removals_per_check: 100
plugins:
  paths: [/opt/relaysync/plugins]
log:
  level: information
  file: /var/log/relaysync/client11.log
)";

inline const std::string kRelayProfile = R"(relaysync: 1
node:
  role: relay
  account: relay-server1@net
  display_name: Tokyo
database: sqlite:${RELAYSYNC_DATA}/relay1.db
transport:
  plugin: direct
  config:
    listen: 127.0.0.1:7101
)";

// kTerminalProfile with the first occurrence of `from` replaced by `to`.
inline std::string terminalWith(const std::string& from, const std::string& to) {
    std::string text = kTerminalProfile;
    const auto at = text.find(from);
    CPPUNIT_ASSERT_MESSAGE("test setup: '" + from + "' not in the profile",
                           at != std::string::npos);
    return text.replace(at, from.size(), to);
}

// The message of the ProfileError that parsing `yaml` must throw.
inline std::string profileErrorOf(const std::string& yaml, const std::string& source = "r1.yaml",
                                  const EnvironmentLookup& environment = fakeEnvironment()) {
    try {
        parseProfile(yaml, source, environment);
    } catch (const ProfileError& e) {
        return e.what();
    }
    CPPUNIT_FAIL("expected a ProfileError, the profile loaded:\n" + yaml);
    return {};
}

}  // namespace relaysync::core::test

#define RS_ASSERT_CONTAINS(text, part)                                                     \
    CPPUNIT_ASSERT_MESSAGE(std::string("expected '") + (part) + "' in: " + (text),        \
                           std::string(text).find(part) != std::string::npos)
#define RS_ASSERT_NOT_CONTAINS(text, part)                                                 \
    CPPUNIT_ASSERT_MESSAGE(std::string("did not expect '") + (part) + "' in: " + (text),  \
                           std::string(text).find(part) == std::string::npos)
