#pragma once
// A value that came from the network (a peer's account, a message id, a transport's reason)
// made safe for one cell of a text table: control characters and bytes that are not UTF-8
// are shown as escapes, so nothing can move the operator's cursor or break the row, and a
// long value is shortened. The JSON form of the same data carries the exact value.

#include <cstddef>
#include <string>
#include <string_view>

namespace relaysync::core {

// "\n", "\r", "\t" for those; "\xNN" for other control characters (C0, DEL, C1) and for bytes
// that are not UTF-8. Then, when longer than `max_chars` characters, the first ones followed
// by "...", `max_chars` characters in all.
std::string tableCell(std::string_view text, std::size_t max_chars = 60);

// A value from the network in a log line: escaped as above, at most 200 characters.
inline std::string logValue(std::string_view text) { return tableCell(text, 200); }

// Limits of names that users and peers give (docs/protocol.md, "Names"), in bytes of UTF-8.
inline constexpr std::size_t kMaxShareNameBytes = 255;
inline constexpr std::size_t kMaxResourceNameBytes = 1024;
inline constexpr std::size_t kMaxLocationBytes = 4096;
inline constexpr std::size_t kMaxDisplayNameBytes = 255;

// Why `text` cannot be a name of at most `max_bytes` bytes: "is empty", "is longer than N
// bytes", "is not valid UTF-8", "contains a control character"; empty when it can. `may_be_empty`
// for optional attributes (a department).
std::string nameProblem(std::string_view text, std::size_t max_bytes, bool may_be_empty = false);

}  // namespace relaysync::core
