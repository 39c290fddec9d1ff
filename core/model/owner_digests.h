#pragma once
// What a node holds of one share, in a few bytes per owner: a digest of each owner's live
// records (name and version). Two nodes whose digests of an owner differ hold different
// records of it, and the side that speaks for the owner sends its records (docs/protocol.md,
// "Repair"). An owner with no live records has the empty digest, or no key at all.

#include <map>
#include <set>
#include <string>

namespace relaysync::core {

using OwnerDigests = std::map<std::string, std::string>;  // owner account -> digest

// The owners whose digests differ between `mine` and `theirs`.
std::set<std::string> differingOwners(const OwnerDigests& mine, const OwnerDigests& theirs);
// The owners named in `authoritative` whose digest in `mine` is another.
std::set<std::string> staleOwners(const OwnerDigests& mine, const OwnerDigests& authoritative);

}  // namespace relaysync::core
