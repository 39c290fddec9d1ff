#include "engine/folder_contents.h"

#include <utility>
#include <vector>

#include "engine/folder_details_store.h"

namespace relaysync::core {

std::string pathBeneath(const std::string& folder, const std::string& relative) {
    if (folder.empty()) return relative;
    if (relative.empty()) return folder;
    std::string path = folder;
    path += '/';
    path += relative;
    return path;
}

sdk::Status listFolderContents(sdk::ResourceStore& store, const std::string& folder, const sdk::CallContext& call,
                               sdk::FolderContents& beneath) {
    beneath.clear();
    const bool listed_with_details = (store.capabilities() & sdk::StoreCapability::list_details) != 0;
    // Folders still to list, as (path below `folder`, depth); "" is `folder` itself.
    std::vector<std::pair<std::string, int>> pending{{"", 0}};
    sdk::FolderListing listing;
    while (!pending.empty()) {
        const auto [relative, depth] = std::move(pending.back());
        pending.pop_back();
        if (depth > FolderDetailsStore::kMaxDepth)
            return sdk::Status::ioError("folder '" + pathBeneath(folder, relative) + "' is nested too deeply (symlink loop?)");
        // A store that ignores its deadline must not make a walk through a large tree endless.
        if (call.expired()) return sdk::Status::unreachable("timed out listing folder '" + pathBeneath(folder, relative) + "'");
        auto status = store.list(call, pathBeneath(folder, relative), listing);
        if (status.isNotFound() && !relative.empty()) continue;  // removed while we walk: not there any more
        if (!status.isOk()) return status;
        for (auto& item : listing) {
            if (beneath.size() >= FolderDetailsStore::kMaxItems)
                return sdk::Status::ioError("folder has more than " + std::to_string(FolderDetailsStore::kMaxItems) + " items");
            sdk::FolderEntry entry{relative.empty() ? std::move(item.name) : relative + "/" + item.name,
                                   std::move(item.details)};
            if (entry.details.kind == sdk::EntityKind::file && !listed_with_details) {
                status = store.stat(call, pathBeneath(folder, entry.path), entry.details);
                if (status.isNotFound()) continue;
                if (!status.isOk()) return status;
            }
            entry.details.hash.clear();
            if (entry.details.kind == sdk::EntityKind::folder) pending.emplace_back(entry.path, depth + 1);
            beneath.push_back(std::move(entry));
        }
    }
    return sdk::Status::ok();
}

}  // namespace relaysync::core
