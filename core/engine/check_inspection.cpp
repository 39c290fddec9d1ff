#include "engine/check_inspection.h"

#include <stdexcept>
#include <utility>

namespace relaysync::core {

namespace {
const sdk::CheckOutcome kUnchanged{sdk::Verdict::unchanged, {}, {}};
}  // namespace

CheckInspection::CheckInspection(std::size_t records) : full_(records, 0) {
    if (records > kVerdictOnly) throw std::length_error("too many records for one check");
    // Never set: what planning must not take for unchanged.
    outcomes_.push_back({sdk::Verdict::unreachable, {}, "not looked at"});
}

const sdk::CheckOutcome& CheckInspection::at(std::size_t i) const {
    const auto place = full_.at(i);
    return place == kVerdictOnly ? kUnchanged : outcomes_[place];
}

void CheckInspection::set(std::size_t i, sdk::CheckOutcome outcome) {
    auto& place = full_.at(i);
    if (outcome.verdict == sdk::Verdict::unchanged) {
        place = kVerdictOnly;
        return;
    }
    if (place != 0 && place != kVerdictOnly) {
        outcomes_[place] = std::move(outcome);
        return;
    }
    place = static_cast<std::uint32_t>(outcomes_.size());
    outcomes_.push_back(std::move(outcome));
}

}  // namespace relaysync::core
