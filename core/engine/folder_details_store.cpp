#include "engine/folder_details_store.h"

#include <algorithm>

namespace relaysync::core {

sdk::Status FolderDetailsStore::stat(const std::string& path, sdk::EntityDetails& details) {
    auto status = inner_.stat(path, details);
    if (!status.isOk() || details.kind != sdk::EntityKind::folder) return status;
    std::size_t items = 0;
    details.size = 0;
    return addFolder(path, 0, items, details);
}

sdk::Status FolderDetailsStore::addFolder(const std::string& path, int depth, std::size_t& items,
                                          sdk::EntityDetails& total) {
    if (depth > kMaxDepth) return sdk::Status::ioError("folder '" + path + "' is nested too deeply (symlink loop?)");
    sdk::FolderListing listing;
    auto status = inner_.list(path, listing);
    if (!status.isOk()) return status;
    for (const auto& item : listing) {
        if (++items > kMaxItems) return sdk::Status::ioError("folder has more than " + std::to_string(kMaxItems) + " items");
        const auto child = path.empty() ? item.name : path + "/" + item.name;
        sdk::EntityDetails details;
        status = inner_.stat(child, details);
        if (status.isNotFound()) continue;  // removed while we walk: simply not there any more
        if (!status.isOk()) return status;
        total.modified_ms = std::max(total.modified_ms, details.modified_ms);
        if (details.kind == sdk::EntityKind::file) {
            total.size += details.size;
        } else if (status = addFolder(child, depth + 1, items, total); !status.isOk() && !status.isNotFound()) {
            return status;  // a subfolder removed while we walk is skipped like a file
        }
    }
    return sdk::Status::ok();
}

}  // namespace relaysync::core
