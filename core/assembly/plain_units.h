#pragma once
// Sizes and times as people read them, for the text tables (the JSON keeps exact bytes and UTC).

#include <cstdint>
#include <string>

namespace relaysync::core {

// "512 B", "2.0 KB", "1.4 MB", "3.1 GB", "1.2 TB" (1 KB = 1024 bytes, one decimal past bytes).
std::string plainSize(std::uint64_t bytes);

// "2026-11-30 09:35:02" in the local time zone of the process (TZ), to the second.
std::string localTime(std::int64_t milliseconds);

}  // namespace relaysync::core
