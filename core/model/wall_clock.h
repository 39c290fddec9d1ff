#pragma once
// Milliseconds since the Unix epoch, by the system clock: the time records are stamped with.
// (The engine takes its clock as a parameter, for tests; these are the places that need none.)

#include <chrono>
#include <cstdint>

namespace relaysync::core {

inline std::int64_t wallClockMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace relaysync::core
