#pragma once
// Values that come from the network (accounts, certificate names) go into log lines only through
// loggable(): a peer must not be able to forge log lines or flood them with one long value.

#include <cstddef>
#include <string>
#include <string_view>

namespace relaysync::plugin_common {

inline constexpr std::size_t kMaxLoggedValueBytes = 200;

// `value` with control characters (and DEL) written as \xNN and a backslash as \\, cut at about
// kMaxLoggedValueBytes on a character boundary with "...(N bytes)" appended when it is longer.
std::string loggable(std::string_view value, std::size_t max_bytes = kMaxLoggedValueBytes);

}  // namespace relaysync::plugin_common
