#pragma once

#include "profile/profile.h"

namespace relaysync::core {

// Points Poco's root logger at the profile's log file (standard error when none) at its level,
// one line per event: "2026-11-25 09:30:01.123 [information] relaysync.engine: ...".
// Throws std::runtime_error naming the file when it cannot be opened for writing.
void configureLogging(const LogSettings& settings);

// Closes and reopens the log file at its path (SIGHUP after logrotate moved it); no-op for
// standard error.
void reopenLogFile();

}  // namespace relaysync::core
