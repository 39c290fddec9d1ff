#pragma once
// What the checker said of each record of a check's snapshot, by its index there. Nearly every
// record of a no-change check is unchanged, and planning needs nothing of those but the verdict:
// they are kept as a verdict alone, and only the others as a whole outcome (with the details
// now and the reason), so that a check of 100,000 entities does not fill 100,000 outcomes.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "relaysync/sdk/entity_checker.h"

namespace relaysync::core {

class CheckInspection {
public:
    CheckInspection() = default;
    // `records` outcomes, each unreachable with no reason until set.
    explicit CheckInspection(std::size_t records);

    std::size_t size() const { return full_.size(); }
    // Record i's outcome; an unchanged one carries only its verdict (no details, no reason).
    const sdk::CheckOutcome& at(std::size_t i) const;
    void set(std::size_t i, sdk::CheckOutcome outcome);

private:
    static constexpr std::uint32_t kVerdictOnly = UINT32_MAX;
    std::vector<std::uint32_t> full_;  // per record: its place in outcomes_, or kVerdictOnly
    std::vector<sdk::CheckOutcome> outcomes_;
};

}  // namespace relaysync::core
