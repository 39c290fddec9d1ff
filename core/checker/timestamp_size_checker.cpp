#include "checker/timestamp_size_checker.h"

namespace relaysync::core {

sdk::CheckOutcome TimestampSizeChecker::check(const sdk::EntityDetails& recorded, sdk::ResourceStore& store,
                                              const std::string& path) {
    sdk::CheckOutcome outcome;
    const auto status = store.stat(path, outcome.current);
    if (status.isNotFound()) {
        outcome.verdict = sdk::Verdict::gone;
        outcome.reason = status.message();
    } else if (!status.isOk()) {
        // Could not look: that is not the same as gone.
        outcome.verdict = sdk::Verdict::unreachable;
        outcome.reason = status.toString();
    } else {
        outcome.current.hash = recorded.hash;
        const bool same = outcome.current.kind == recorded.kind && outcome.current.size == recorded.size &&
                          outcome.current.modified_ms == recorded.modified_ms;
        outcome.verdict = same ? sdk::Verdict::unchanged : sdk::Verdict::changed;
    }
    return outcome;
}

}  // namespace relaysync::core
