#pragma once
// How core looks at one entity for a checker (sdk/entity_checker.h): it stats the entity
// through the folder-aggregating view, decides `gone` and `unreachable` itself from what the
// store says, and only then lets the checker compare, with a lazy reader of the file's content
// when the checker needs one. Checkers therefore never see a missing or unreachable entity.

#include <string>

#include "engine/store_router.h"
#include "relaysync/sdk/call_context.h"
#include "relaysync/sdk/entity_checker.h"

namespace relaysync::core {

// The outcome of checking the entity at `route` against `recorded`. Never throws.
sdk::CheckOutcome inspectEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route,
                                const sdk::EntityDetails& recorded, const sdk::CallContext& call);

// The same for a file whose details the caller already has from its folder's listing (with
// StoreCapability::list_details): no stat.
sdk::CheckOutcome inspectListedEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route,
                                      const sdk::EntityDetails& recorded, const sdk::CallContext& call,
                                      const sdk::EntityDetails& listed);

// The details to record for a new entry at `route`: the store's, with what the checker adds.
sdk::Status describeEntity(sdk::EntityChecker& checker, const StoreRouter::Route& route, const sdk::CallContext& call,
                           sdk::EntityDetails& details);

// "" when `checker` can work with `store`; else why not (a checker that needs content, a store
// that cannot give it).
std::string checkerStoreMismatch(const sdk::EntityChecker& checker, const sdk::ResourceStore& store);

}  // namespace relaysync::core
