#pragma once
// How core looks at one entity for a checker (sdk/entity_checker.h): it stats the entity
// through the folder-aggregating view, decides `gone` and `unreachable` itself from what the
// store says, and only then lets the checker compare, with a lazy reader of the file's content
// when the checker needs one. Checkers therefore never see a missing or unreachable entity.
//
// A folder, for a checker that hashes folders (sdk/folder_hashing.h), is looked at in three
// steps, so that its files can be read on several threads (parallel_inspection.h): stat and list
// it (beginInspection), describe each file beneath (describeFileBeneath), and let the checker
// judge the whole (judgeFolder). inspectEntity runs them one after another.

#include <optional>
#include <string>
#include <vector>

#include "engine/store_router.h"
#include "relaysync/sdk/call_context.h"
#include "relaysync/sdk/entity_checker.h"
#include "relaysync/sdk/folder_hashing.h"

namespace relaysync::core {

// The outcome of checking the entity at `route` against `recorded`. Never throws.
sdk::CheckOutcome inspectEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route,
                                const sdk::EntityDetails& recorded, const sdk::CallContext& call);

// The same for a file whose details the caller already has from its folder's listing (with
// StoreCapability::list_details): no stat.
sdk::CheckOutcome inspectListedEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route,
                                      const sdk::EntityDetails& recorded, const sdk::CallContext& call,
                                      const sdk::EntityDetails& listed);
// The same, for a caller that looks at many: `subject` is filled here with `store` (the route's
// store's describe(), which the caller asks once) and is reused, so that its strings keep their
// buffers from one entity to the next.
sdk::CheckOutcome inspectListedEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route,
                                      const sdk::EntityDetails& recorded, const sdk::CallContext& call,
                                      const sdk::EntityDetails& listed, const std::string& store,
                                      sdk::CheckSubject& subject);

// The details to record for a new entry at `route`: the store's, with what the checker adds. A
// folder's files are read on several threads when the checker allows it (parallel_inspection.h).
sdk::Status describeEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route, const sdk::CallContext& call,
                           sdk::EntityDetails& details);

// "" when `checker` can work with `store`; else why not (a checker that needs content, a store
// that cannot give it).
std::string checkerStoreMismatch(const sdk::EntityChecker& checker, const sdk::ResourceStore& store);

// The checker's folder hashing, or nullptr when it has none.
sdk::FolderHashing* folderHashingOf(sdk::EntityChecker& checker);

// A folder entity between the steps: what the store showed of it and of everything beneath,
// and how reading each file beneath went (`read[i]` for `beneath[i]`).
struct FolderUnderCheck {
    sdk::CheckSubject subject;
    sdk::FolderContents beneath;
    std::vector<sdk::Status> read;
};

// Step 1: the outcome, when stat-ing the entity settles it (gone, unreachable) or when it is not
// a folder to hash (then the checker has judged it already); nothing when `folder` was filled
// and steps 2 and 3 are to follow.
std::optional<sdk::CheckOutcome> beginInspection(sdk::EntityChecker& checker, const StoreRouter::Route& route,
                                                 const sdk::EntityDetails& recorded, const sdk::CallContext& call,
                                                 FolderUnderCheck& folder);
// Step 2, for each file of `folder.beneath` (any order, any thread the checker allows): its hash
// as the checker's describe() makes it, into the entry; how it went into folder.read[index].
void describeFileBeneath(sdk::EntityChecker& checker, const StoreRouter::Route& route, const sdk::CallContext& call,
                         FolderUnderCheck& folder, std::size_t index);
// Step 3: the checker's verdict on the folder (unreachable when a file could not be read).
sdk::CheckOutcome judgeFolder(sdk::EntityChecker& checker, const sdk::EntityDetails& recorded,
                              const sdk::CallContext& call, FolderUnderCheck& folder);

}  // namespace relaysync::core
