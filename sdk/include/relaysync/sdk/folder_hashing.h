#pragma once
// Optional interface of an entity checker (SDK 2.1): a checker that gives folders a hash of
// their content. Asked for through EntityChecker::extension(kFolderHashingExtension); without it
// a folder is handed to check() with its aggregated details only (entity_checker.h).
//
// For a folder entity core lists everything beneath it through the store, gets each file's
// details from the checker's own describe() (with a ContentReader when the checker declares
// CheckerNeed::content), and then hands the folder and that listing to the methods below. So a
// checker that caches file hashes reads nothing of an unchanged folder, and core may read the
// files on several threads (concurrent_checks.h).

#include <string>
#include <vector>

#include "relaysync/sdk/call_context.h"
#include "relaysync/sdk/entity.h"
#include "relaysync/sdk/entity_checker.h"
#include "relaysync/sdk/status.h"
#include "relaysync/sdk/visibility.h"

namespace relaysync::sdk {

inline constexpr const char* kFolderHashingExtension = "relaysync.checker.folder-hash/1";

// One item somewhere beneath a folder entity.
struct FolderEntry {
    // Below the folder, '/'-separated, spelled as the store lists it: "budget.xls", "2024/q1.xls".
    std::string path;
    // kind always. Files: time, size and identity as the store reports them, and `hash` as the
    // checker's describe() made it. Folders: the kind only. Every folder on the way to an item is
    // itself an entry.
    EntityDetails details;
};

// Everything beneath a folder entity, in no particular order. Items the store leaves out of
// its listings (links leading out of the root) are not in it; a file removed while it was
// being read is left out too.
using FolderContents = std::vector<FolderEntry>;

class RELAYSYNC_SDK_VISIBLE FolderHashing {
public:
    virtual ~FolderHashing() = default;

    // As EntityChecker::check, for a folder: `subject.current` is the folder as core aggregates
    // it (total size of the files beneath, latest modification), `beneath` what is in it now.
    // unchanged, changed (with `current.hash` the folder's hash), or unreachable; never gone.
    // Never throws. Threads: as check().
    virtual CheckOutcome checkFolder(const CallContext& call, const EntityDetails& recorded, const CheckSubject& subject,
                                     const FolderContents& beneath) = 0;

    // As EntityChecker::describe, for a new folder entry: `subject.current` with the folder's
    // hash. ok, or why not. Never throws. Threads: as describe().
    virtual Status describeFolder(const CallContext& call, const CheckSubject& subject, const FolderContents& beneath,
                                  EntityDetails& details) = 0;
};

}  // namespace relaysync::sdk
