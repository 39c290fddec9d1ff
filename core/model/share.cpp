#include "model/share.h"

#include <algorithm>

namespace relaysync::core {

bool Share::isMember(const std::string& account) const {
    return std::find(members.begin(), members.end(), account) != members.end();
}

std::string shareIdentityProblem(const Share& incoming, const Share* stored) {
    const auto& id = incoming.id;
    const auto& creator = incoming.creator;
    if (creator.empty() || id.size() <= creator.size() || id.compare(id.size() - creator.size(), creator.size(), creator) != 0)
        return "share id " + id + " is not bound to its creator " + creator + " (it must end with that account)";
    if (stored && stored->creator != creator)
        return "share id " + id + " belongs to " + stored->creator + ", not " + creator;
    if (stored && stored->group_id != incoming.group_id)
        return "share " + id + " is in group " + stored->group_id + ", not " + incoming.group_id;
    return {};
}

}  // namespace relaysync::core
