#pragma once

#include "profile/profile.h"

namespace relaysync::core {

// Points Poco's root logger at the profile's log file (standard error when none) at its level,
// one line per event: "2026-11-25 09:30:01.123 [information] relaysync.engine: ...".
void configureLogging(const LogSettings& settings);

}  // namespace relaysync::core
