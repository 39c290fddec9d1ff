#pragma once
// Root ignores file permissions, so a permission test run as root could never fail. This runs
// the probe as an unprivileged user instead: in a forked child that drops to "nobody" when we
// are root, in this process otherwise.

#include <functional>
#include <optional>

#include "relaysync/sdk/status.h"

namespace relaysync::tests {

// The code the probe returned, or nullopt when root cannot drop its privileges here (e.g. a
// user namespace without "nobody"); the caller then says the test was skipped. The probe must
// not use CppUnit asserts: in the child they would not reach the runner.
std::optional<sdk::StatusCode> probeUnprivileged(const std::function<sdk::StatusCode()>& probe);

// For tests that had to skip: one line on stderr, so a skip is never silent.
void reportSkip(const char* test, const char* why);

}  // namespace relaysync::tests
