#pragma once
// Message ids: "<from>#<epoch>.<n>". The epoch is drawn at random when a node's database is
// made, so a node whose database was lost and made again never reuses an id its peers have
// seen; n counts up in that database. Receivers keep, per sender and epoch, the highest n they
// have taken (a high-water mark), not every id. "<from>#<n>" is an id of the empty epoch.

#include <cstdint>
#include <optional>
#include <string>

namespace relaysync::core {

inline constexpr std::size_t kMaxEpochChars = 32;

struct MessageId {
    std::string epoch;
    std::int64_t n = 0;  // > 0
};

// The id of `sender`'s message, or nothing when `id` is not "<sender>#[<epoch>.]<n>" with an
// epoch of letters, digits, '-' and '_' (at most kMaxEpochChars) and n a positive decimal.
std::optional<MessageId> parseMessageId(const std::string& id, const std::string& sender);

std::string formatMessageId(const std::string& sender, const std::string& epoch, std::int64_t n);

}  // namespace relaysync::core
