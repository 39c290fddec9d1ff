#include "checker/timestamp_size_checker.h"

namespace relaysync::core {

sdk::CheckOutcome TimestampSizeChecker::check(const sdk::CallContext&, const sdk::EntityDetails& recorded,
                                              const sdk::CheckSubject& subject, sdk::ContentReader*) {
    sdk::CheckOutcome outcome;
    outcome.current = subject.current;
    outcome.current.hash = recorded.hash;
    const bool same = outcome.current.kind == recorded.kind && outcome.current.size == recorded.size &&
                      outcome.current.modified_ms == recorded.modified_ms;
    outcome.verdict = same ? sdk::Verdict::unchanged : sdk::Verdict::changed;
    if (!same) outcome.current.hash.clear();  // no longer the content's; never made up here
    return outcome;
}

}  // namespace relaysync::core
