#pragma once
// Splits a list of resource entries into pieces whose JSON stays well under the message size
// limit, so that a share of any size travels in several messages instead of one that every
// receiver would refuse.

#include <cstddef>
#include <vector>

#include "model/share.h"
#include "protocol/codec.h"

namespace relaysync::core {

// Room for the envelope and the rest of a body (a share definition with its members).
inline constexpr std::size_t kEntryChunkBytes = kMaxMessageBytes / 2;

// Never empty: no entries give one empty chunk, so a message still goes.
std::vector<std::vector<ResourceEntry>> chunkEntries(const std::vector<ResourceEntry>& entries,
                                                     std::size_t max_bytes = kEntryChunkBytes);

}  // namespace relaysync::core
