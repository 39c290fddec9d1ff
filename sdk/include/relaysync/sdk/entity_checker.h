#pragma once
// Entity checker: decides whether an entity still matches its resource entry
// (CheckResource). Core has a timestamp/size checker; plugins may add others (hash).

#include <string>

#include "relaysync/sdk/entity.h"
#include "relaysync/sdk/resource_store.h"
#include "relaysync/sdk/visibility.h"

namespace relaysync::sdk {

enum class Verdict {
    unchanged,    // the entity matches what was recorded
    changed,      // it exists but differs: CheckOutcome::current holds the new details
    gone,         // the store says it does not exist
    unreachable,  // the store could not be reached; nothing is known
};

inline const char* toString(Verdict v) noexcept {
    switch (v) {
    case Verdict::unchanged: return "unchanged";
    case Verdict::changed: return "changed";
    case Verdict::gone: return "gone";
    case Verdict::unreachable: return "unreachable";
    }
    return "unknown";
}

struct CheckOutcome {
    Verdict verdict = Verdict::unchanged;
    EntityDetails current;  // filled for unchanged and changed
    std::string reason;     // for gone / unreachable / errors: what the store said
};

class RELAYSYNC_SDK_VISIBLE EntityChecker {
public:
    virtual ~EntityChecker() = default;

    // Compares `recorded` with the entity at `path` in `store`. Core hands the checker a view of
    // the store whose stat() reports folders aggregated (total size of the files beneath, latest
    // modification of anything beneath), so a checker treats files and folders alike. Never throws; errors other than
    // not_found and unreachable from the store are reported as unreachable with the reason,
    // because an entity that cannot be read is not an entity that is gone.
    // Called from one thread at a time per checker instance.
    virtual CheckOutcome check(const EntityDetails& recorded, ResourceStore& store,
                               const std::string& path) = 0;

    // The details to record for a new entry, e.g. with a hash filled in.
    // Default: the store's stat.
    virtual Status describe(ResourceStore& store, const std::string& path, EntityDetails& details) {
        return store.stat(path, details);
    }
};

}  // namespace relaysync::sdk
