#include "engine/dependency.h"

namespace relaysync::core::dependency {

namespace {
// Keys are "<kind>\n<group or share>[\n<account>]": ids and accounts never hold a newline.
constexpr char kSeparator = '\n';
}  // namespace

std::string group(const std::string& group_id) { return "group" + (kSeparator + group_id); }
std::string share(const std::string& share_id) { return "share" + (kSeparator + share_id); }
std::string relayIn(const std::string& group_id, const std::string& relay) {
    return "relay" + (kSeparator + group_id) + kSeparator + relay;
}
std::string terminalIn(const std::string& group_id, const std::string& terminal) {
    return "terminal" + (kSeparator + group_id) + kSeparator + terminal;
}

bool met(const std::string& key, GroupRepository& groups, ShareRepository& shares) {
    const auto first = key.find(kSeparator);
    if (first == std::string::npos) return true;
    const auto kind = key.substr(0, first);
    const auto second = key.find(kSeparator, first + 1);
    const auto subject = key.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    const auto account = second == std::string::npos ? std::string() : key.substr(second + 1);
    if (kind == "group") return groups.exists(subject);
    if (kind == "share") return shares.find(subject).has_value();
    if (kind == "relay" || kind == "terminal") {
        const auto found = groups.find(subject);
        if (!found) return false;
        return kind == "relay" ? found->hasRelay(account) : found->relayOf(account).has_value();
    }
    return true;
}

}  // namespace relaysync::core::dependency
