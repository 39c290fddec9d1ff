#pragma once
// Accounts name relays ("relay-server1@net") and terminals ("client11@relay-server1.net").

#include <string>

namespace relaysync::core {

inline constexpr std::size_t kMaxAccountBytes = 255;

// Why `account` is not a well-formed account, or empty: "local@domain", each part non-empty,
// letters, digits and . _ + - only, at most kMaxAccountBytes.
std::string accountProblem(const std::string& account);

}  // namespace relaysync::core
