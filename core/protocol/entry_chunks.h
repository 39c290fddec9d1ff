#pragma once
// Splits lists (resource entries, terminal records) into pieces whose JSON stays under a byte
// budget, so that a share or group of any size travels in several messages instead of one that
// a receiver, or a transport with small messages, would refuse.

#include <cstddef>
#include <sstream>
#include <vector>

#include "model/relay_group.h"
#include "model/share.h"
#include "protocol/bodies.h"
#include "protocol/codec.h"

namespace relaysync::core {

// Room for the envelope and the rest of a body (a share definition with its members) within
// the largest message a node takes.
inline constexpr std::size_t kEntryChunkBytes = kMaxMessageBytes / 2;

// Never empty: no items give one empty chunk, so a message still goes.
template <class Item>
std::vector<std::vector<Item>> chunkBySize(const std::vector<Item>& items, std::size_t max_bytes) {
    std::vector<std::vector<Item>> chunks(1);
    std::size_t bytes = 0;
    for (const auto& item : items) {
        std::ostringstream json;
        toJson(item)->stringify(json);
        const auto size = json.str().size() + 1;  // and a comma
        if (!chunks.back().empty() && bytes + size > max_bytes) {
            chunks.emplace_back();
            bytes = 0;
        }
        chunks.back().push_back(item);
        bytes += size;
    }
    return chunks;
}

inline std::vector<std::vector<ResourceEntry>> chunkEntries(const std::vector<ResourceEntry>& entries,
                                                            std::size_t max_bytes = kEntryChunkBytes) {
    return chunkBySize(entries, max_bytes);
}

}  // namespace relaysync::core
