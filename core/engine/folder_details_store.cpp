#include "engine/folder_details_store.h"

#include <algorithm>

namespace relaysync::core {

sdk::Status FolderDetailsStore::stat(const sdk::CallContext& call, const std::string& path,
                                     sdk::EntityDetails& details) {
    auto status = inner_.stat(call, path, details);
    if (!status.isOk() || details.kind != sdk::EntityKind::folder) return status;
    std::size_t items = 0;
    details.size = 0;
    return addFolder(call, path, 0, items, details);
}

sdk::Status FolderDetailsStore::addFolder(const sdk::CallContext& call, const std::string& path, int depth,
                                          std::size_t& items, sdk::EntityDetails& total) {
    if (depth > kMaxDepth) return sdk::Status::ioError("folder '" + path + "' is nested too deeply (symlink loop?)");
    // A store that ignores its deadline must not make a walk through a large tree endless.
    if (call.expired()) return sdk::Status::unreachable("timed out walking folder '" + path + "'");
    sdk::FolderListing listing;
    auto status = inner_.list(call, path, listing);
    if (!status.isOk()) return status;
    const bool listed_with_details = (capabilities_ & sdk::StoreCapability::list_details) != 0;
    for (auto& item : listing) {
        if (++items > kMaxItems) return sdk::Status::ioError("folder has more than " + std::to_string(kMaxItems) + " items");
        const auto child = path.empty() ? item.name : path + "/" + item.name;
        sdk::EntityDetails details = std::move(item.details);
        if (!listed_with_details) {
            status = inner_.stat(call, child, details);
            if (status.isNotFound()) continue;  // removed while we walk: simply not there any more
            if (!status.isOk()) return status;
        }
        total.modified_ms = std::max(total.modified_ms, details.modified_ms);
        if (details.kind == sdk::EntityKind::file) {
            total.size += details.size;
        } else if (status = addFolder(call, child, depth + 1, items, total); !status.isOk() && !status.isNotFound()) {
            return status;  // a subfolder removed while we walk is skipped like a file
        }
    }
    return sdk::Status::ok();
}

}  // namespace relaysync::core
