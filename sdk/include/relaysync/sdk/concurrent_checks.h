#pragma once
// Optional interface of an entity checker (SDK 2.1): the checker may be called from several
// threads at once, so core can read and hash many files of one CheckResource in parallel.
// Asked for through EntityChecker::extension(kConcurrentChecksExtension); a checker that does not
// answer is called from one thread at a time, as entity_checker.h says (docs/sdk-abi.md).

#include <cstddef>

#include "relaysync/sdk/visibility.h"

namespace relaysync::sdk {

inline constexpr const char* kConcurrentChecksExtension = "relaysync.checker.concurrent/1";

// Returned (owned by the checker, valid while it lives) by a checker whose check(), describe()
// and other extensions' methods may run on several threads at the same time, for the same or
// different entities. Such a checker guards its own shared state (a cache); core still calls
// no method of it after destroying it, and never from inside one of its calls.
class RELAYSYNC_SDK_VISIBLE ConcurrentChecks {
public:
    virtual ~ConcurrentChecks() = default;
    // At most this many calls at once are worth making (the checker's own setting, say a
    // `threads` key); 0: as many as the host likes (core uses one per processor core). Constant
    // for an instance.
    virtual std::size_t maxConcurrentCalls() const = 0;
};

}  // namespace relaysync::sdk
