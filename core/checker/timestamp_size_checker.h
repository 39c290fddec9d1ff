#pragma once
// The built-in entity checker: an entity is unchanged while its kind, modification time and
// size are what was recorded. Cheap; misses a rewrite that keeps both (the hash checker
// plugin catches that).

#include "relaysync/sdk/entity_checker.h"

namespace relaysync::core {

inline constexpr const char* kTimestampSizeChecker = "timestamp-size";

class TimestampSizeChecker final : public sdk::EntityChecker {
public:
    sdk::CheckOutcome check(const sdk::EntityDetails& recorded, sdk::ResourceStore& store,
                            const std::string& path) override;
};

}  // namespace relaysync::core
