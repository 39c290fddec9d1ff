#pragma once
// Splits lists (resource entries, terminal records) into pieces whose JSON stays under a byte
// budget, so that a share or group of any size travels in several messages instead of one that
// a receiver, or a transport with small messages, would refuse.

#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "model/relay_group.h"
#include "model/share.h"
#include "protocol/bodies.h"
#include "protocol/codec.h"

namespace relaysync::core {

// Room for the envelope and the rest of a body (a share definition with its members) within
// the largest message a node takes.
inline constexpr std::size_t kEntryChunkBytes = kMaxMessageBytes / 2;

namespace chunk_size {

// At least as many bytes as `text` takes as a JSON string, quotes included, however it is
// escaped: '"', '\\' and '/' as two characters, control characters as \uXXXX, non-ASCII bytes
// at three each (a character as \uXXXX, or a pair of them, never takes more).
inline std::size_t stringAtMost(std::string_view text) {
    std::size_t bytes = 2;
    for (const unsigned char c : text) {
        if (c == '"' || c == '\\' || c == '/') bytes += 2;
        else if (c < 0x20 || c == 0x7f) bytes += 6;
        else if (c >= 0x80) bytes += 3;
        else bytes += 1;
    }
    return bytes;
}

// "key": with its comma.
inline std::size_t keyAtMost(std::string_view key) { return stringAtMost(key) + 2; }
constexpr std::size_t kNumberAtMost = 20;  // -9223372036854775808

}  // namespace chunk_size

// At least the bytes of toJson(item) stringified. A resource entry's is counted from its fields
// (entries are chunked by the thousand: stringifying each one only to measure it cost as much as
// the message itself); anything else is measured by stringifying it.
inline std::size_t jsonBytesAtMost(const ResourceEntry& entry) {
    using namespace chunk_size;
    return 2 + keyAtMost("share_id") + stringAtMost(entry.share_id) + keyAtMost("name") + stringAtMost(entry.name) +
           keyAtMost("owner") + stringAtMost(entry.owner) + keyAtMost("location") + stringAtMost(entry.location) +
           keyAtMost("status") + stringAtMost(entry.status) + keyAtMost("kind") + stringAtMost("folder") +
           keyAtMost("modified_ms") + kNumberAtMost + keyAtMost("size") + kNumberAtMost + keyAtMost("hash") +
           stringAtMost(entry.details.hash) + keyAtMost("version") + kNumberAtMost + keyAtMost("removed") + 5;
}

template <class Item>
std::size_t jsonBytesAtMost(const Item& item) {
    std::ostringstream json;
    toJson(item)->stringify(json);
    return json.str().size();
}

// Never empty: no items give one empty chunk, so a message still goes.
template <class Item>
std::vector<std::vector<Item>> chunkBySize(const std::vector<Item>& items, std::size_t max_bytes) {
    std::vector<std::vector<Item>> chunks(1);
    std::size_t bytes = 0;
    for (const auto& item : items) {
        const auto size = jsonBytesAtMost(item) + 1;  // and a comma
        if (!chunks.back().empty() && bytes + size > max_bytes) {
            chunks.emplace_back();
            bytes = 0;
        }
        chunks.back().push_back(item);
        bytes += size;
    }
    return chunks;
}

// The body of update- and delete-resource-info, {"entries":[...],"share_id":...}, byte for byte
// what Poco writes for it (codec.h, stringifyBody), written straight from the entries: a chunk
// of thousands is not built as a tree of JSON objects first.
std::string entriesBodyJson(const std::string& share_id, const std::vector<ResourceEntry>& entries);

inline std::vector<std::vector<ResourceEntry>> chunkEntries(const std::vector<ResourceEntry>& entries,
                                                            std::size_t max_bytes = kEntryChunkBytes) {
    return chunkBySize(entries, max_bytes);
}

}  // namespace relaysync::core
