#pragma once
// Entity checker: decides whether an entity still matches its resource entry (CheckResource).
// Core has a timestamp/size checker; plugins may add others (a content hash).
//
// Core does the store work around a check: it stats the entity (folders aggregated: total
// size of the files beneath, latest modification of anything beneath), turns not_found into
// `gone` and unreachable into `unreachable`, and only asks the checker to compare an entity
// that is there. A checker that declares CheckerNeed::content also gets a reader of the file.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "relaysync/sdk/call_context.h"
#include "relaysync/sdk/entity.h"
#include "relaysync/sdk/status.h"
#include "relaysync/sdk/visibility.h"

namespace relaysync::sdk {

enum class Verdict {
    unchanged,    // the entity matches what was recorded
    changed,      // it exists but differs: CheckOutcome::current holds the new details
    gone,         // the store says it does not exist
    unreachable,  // the store could not be reached or read; nothing is known
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
    EntityDetails current;  // filled for unchanged and changed; what is recorded from now on
    std::string reason;     // for gone / unreachable: what the store or the checker said
};

// What a checker needs beyond the entity's details: bits of EntityChecker::needs(), named
// CheckerNeed::content and so on.
namespace CheckerNeed {
// The file's content: core passes a ContentReader for files (never for folders), and a store
// without StoreCapability::content cannot be used with this checker.
inline constexpr std::uint32_t content = 1u << 0;
}  // namespace CheckerNeed

// The content of the one file being checked, read lazily: nothing is read until the checker
// asks. Valid only during the call it was passed to.
class RELAYSYNC_SDK_VISIBLE ContentReader {
public:
    virtual ~ContentReader() = default;
    // Up to `max_bytes` from `offset`; fewer (possibly none) at the end. Outcomes as the store's
    // read(); unreachable also once the check's deadline has passed.
    virtual Status read(std::uint64_t offset, std::size_t max_bytes, std::vector<char>& bytes) = 0;
};

// The entity being looked at.
struct CheckSubject {
    // Which store and where in it: "<store description>" and the store path. Together with
    // current.identity, a key a checker may cache on (the same path in another store is
    // another entity).
    std::string store;
    std::string path;
    // What the store reports now (folders aggregated), identity included where the store
    // knows it. hash is empty: computing one is the checker's business.
    EntityDetails current;
};

class RELAYSYNC_SDK_VISIBLE EntityChecker {
public:
    virtual ~EntityChecker() = default;

    // CheckerNeed bits. Constant for an instance.
    virtual std::uint32_t needs() const { return 0; }

    // Compares `recorded` (as stored in the share) with the entity. `content` is non-null
    // exactly when needs() has CheckerNeed::content and the entity is a file.
    //   unchanged   what was recorded still holds: core keeps the record as it is;
    //   changed     `current` holds the new details (with a hash, if the checker makes one);
    //   unreachable the content could not be read (reason says why): nothing is known.
    // Never returns gone (core decides that from the store). Switching checkers must not mark
    // every entry as changed: a checker compares only what `recorded` has (a hash checker given
    // a record without a hash compares kind, time and size, and keeps the hash in its own cache).
    // Never throws (an escaping exception is reported as `unreachable` with its text).
    // Threads: called from one thread at a time per checker instance, unless the checker offers
    // ConcurrentChecks (concurrent_checks.h).
    virtual CheckOutcome check(const CallContext& call, const EntityDetails& recorded, const CheckSubject& subject,
                               ContentReader* content) = 0;

    // The details to record for a new entry: `subject.current`, with a hash where the checker
    // makes one. ok, or unreachable when the content could not be read.
    virtual Status describe(const CallContext& call, const CheckSubject& subject, ContentReader* content,
                            EntityDetails& details) {
        (void)call;
        (void)content;
        details = subject.current;
        return Status::ok();
    }

    // Optional interfaces added after 2.0 (see docs/sdk-abi.md); none in 2.0. Since 2.1:
    // kConcurrentChecksExtension (concurrent_checks.h), kFolderHashingExtension (folder_hashing.h).
    virtual void* extension(const char* /*name*/) { return nullptr; }
};

}  // namespace relaysync::sdk
