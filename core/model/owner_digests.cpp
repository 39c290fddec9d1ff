#include "model/owner_digests.h"

namespace relaysync::core {

namespace {
const std::string& digestOf(const OwnerDigests& digests, const std::string& owner) {
    static const std::string none;
    const auto found = digests.find(owner);
    return found == digests.end() ? none : found->second;
}
}  // namespace

std::set<std::string> differingOwners(const OwnerDigests& mine, const OwnerDigests& theirs) {
    std::set<std::string> differing = staleOwners(mine, theirs);
    for (const auto& owner : staleOwners(theirs, mine)) differing.insert(owner);
    return differing;
}

std::set<std::string> staleOwners(const OwnerDigests& mine, const OwnerDigests& authoritative) {
    std::set<std::string> stale;
    for (const auto& [owner, digest] : authoritative)
        if (digestOf(mine, owner) != digest) stale.insert(owner);
    return stale;
}

}  // namespace relaysync::core
