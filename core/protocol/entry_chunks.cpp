#include "protocol/entry_chunks.h"

#include <sstream>

#include "protocol/bodies.h"

namespace relaysync::core {

std::vector<std::vector<ResourceEntry>> chunkEntries(const std::vector<ResourceEntry>& entries, std::size_t max_bytes) {
    std::vector<std::vector<ResourceEntry>> chunks(1);
    std::size_t bytes = 0;
    for (const auto& entry : entries) {
        std::ostringstream json;
        toJson(entry)->stringify(json);
        const auto size = json.str().size() + 1;  // and a comma
        if (!chunks.back().empty() && bytes + size > max_bytes) {
            chunks.emplace_back();
            bytes = 0;
        }
        chunks.back().push_back(entry);
        bytes += size;
    }
    return chunks;
}

}  // namespace relaysync::core
