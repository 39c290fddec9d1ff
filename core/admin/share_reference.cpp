#include "admin/share_reference.h"

#include "engine/engine_base.h"

namespace relaysync::core {
namespace {

// A start of an id shorter than this is more likely a typo than a choice.
constexpr std::size_t kShortestIdPrefix = 4;

std::string listed(const std::vector<const Share*>& candidates) {
    std::string text;
    for (const Share* share : candidates) {
        if (!text.empty()) text += ", ";
        text += share->id + " (" + share->name + ")";
    }
    return text;
}

}  // namespace

std::string resolveShareReference(const std::vector<Share>& shares, const std::string& given) {
    if (given.empty()) throw CommandError("no share given");
    for (const Share& share : shares)
        if (share.id == given) return share.id;
    std::vector<const Share*> by_name, by_prefix;
    for (const Share& share : shares) {
        if (share.removed) continue;
        if (share.name == given) by_name.push_back(&share);
        if (given.size() >= kShortestIdPrefix && share.id.compare(0, given.size(), given) == 0)
            by_prefix.push_back(&share);
    }
    if (by_name.size() == 1) return by_name.front()->id;
    if (by_name.size() > 1)
        throw CommandError("share name '" + given + "' is shared by " + std::to_string(by_name.size()) +
                           " shares: " + listed(by_name) + "; give the id or its start");
    if (by_prefix.size() == 1) return by_prefix.front()->id;
    if (by_prefix.size() > 1)
        throw CommandError("'" + given + "' starts " + std::to_string(by_prefix.size()) + " share ids: " +
                           listed(by_prefix) + "; give more of it");
    throw CommandError("unknown share '" + given + "': this node holds no share with that name or id");
}

}  // namespace relaysync::core
