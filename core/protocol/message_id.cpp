#include "protocol/message_id.h"

namespace relaysync::core {

namespace {
bool epochChar(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}
}  // namespace

std::optional<MessageId> parseMessageId(const std::string& id, const std::string& sender) {
    const auto prefix = sender + "#";
    if (id.size() <= prefix.size() || id.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    const auto rest = id.substr(prefix.size());
    const auto dot = rest.rfind('.');
    MessageId parsed;
    std::string number = rest;
    if (dot != std::string::npos) {
        parsed.epoch = rest.substr(0, dot);
        number = rest.substr(dot + 1);
        if (parsed.epoch.empty() || parsed.epoch.size() > kMaxEpochChars) return std::nullopt;
        for (const char c : parsed.epoch)
            if (!epochChar(c)) return std::nullopt;
    }
    if (number.empty() || number.size() > 18) return std::nullopt;
    for (const char c : number)
        if (c < '0' || c > '9') return std::nullopt;
    parsed.n = std::stoll(number);
    if (parsed.n <= 0) return std::nullopt;
    return parsed;
}

std::string formatMessageId(const std::string& sender, const std::string& epoch, std::int64_t n) {
    return sender + "#" + (epoch.empty() ? "" : epoch + ".") + std::to_string(n);
}

}  // namespace relaysync::core
