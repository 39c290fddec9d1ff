#pragma once
// Everything beneath a folder of a store, for a checker that hashes folders
// (sdk/folder_hashing.h): one listing per folder (each file stat-ed as well when the store lists
// kinds only), within the same bounds as the folder aggregation (FolderDetailsStore).

#include <string>

#include "relaysync/sdk/call_context.h"
#include "relaysync/sdk/folder_hashing.h"
#include "relaysync/sdk/resource_store.h"

namespace relaysync::core {

// Fills `beneath` with every item under `folder` (a store path). ok; not_found when the folder
// itself is gone; io_error past FolderDetailsStore's depth or item bounds; else the store's
// failure. Items and sub-folders removed during the walk are left out.
sdk::Status listFolderContents(sdk::ResourceStore& store, const std::string& folder, const sdk::CallContext& call,
                               sdk::FolderContents& beneath);

// `folder`/`relative` as a store path ("" is the store root).
std::string pathBeneath(const std::string& folder, const std::string& relative);

}  // namespace relaysync::core
