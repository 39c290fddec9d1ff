#pragma once
// The built-in entity checker: an entity is unchanged while its kind, modification time and
// size are what was recorded. Cheap; misses a rewrite that keeps both (the hash checker
// plugin catches that). A recorded hash is kept as it is: switching from the hash checker to
// this one changes no entry.

#include "relaysync/sdk/entity_checker.h"

namespace relaysync::core {

inline constexpr const char* kTimestampSizeChecker = "timestamp-size";

class TimestampSizeChecker final : public sdk::EntityChecker {
public:
    sdk::CheckOutcome check(const sdk::CallContext& call, const sdk::EntityDetails& recorded,
                            const sdk::CheckSubject& subject, sdk::ContentReader* content) override;
};

}  // namespace relaysync::core
