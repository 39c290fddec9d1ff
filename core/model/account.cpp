#include "model/account.h"

namespace relaysync::core {

namespace {
bool allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '+' || c == '-';
}
}  // namespace

std::string accountProblem(const std::string& account) {
    if (account.empty()) return "the account is empty";
    if (account.size() > kMaxAccountBytes) return "the account is longer than " + std::to_string(kMaxAccountBytes) + " bytes";
    const auto at = account.find('@');
    if (at == std::string::npos || account.find('@', at + 1) != std::string::npos)
        return "an account is local@domain, with one '@'";
    if (at == 0 || at + 1 == account.size()) return "both sides of the '@' must be non-empty";
    for (const char c : account)
        if (c != '@' && !allowed(c)) return "only letters, digits, '.', '_', '+' and '-' may stand beside the '@'";
    return {};
}

}  // namespace relaysync::core
