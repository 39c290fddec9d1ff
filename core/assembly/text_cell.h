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

}  // namespace relaysync::core
