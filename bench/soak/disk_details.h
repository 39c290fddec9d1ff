#pragma once
// What the owner's store and checker see of an entity on disk (docs/storage-local.md and
// core/engine/folder_details_store.h): a file's size and modification time in milliseconds; a
// folder's size is the sum of the files beneath it and its time the latest of the folder and
// anything beneath it. The soak compares every entry's details with this.

#include <cstdint>
#include <filesystem>
#include <string>

namespace relaysync::soak {

struct DiskDetails {
    bool exists = false;
    bool folder = false;
    std::uint64_t size = 0;
    std::int64_t modified_ms = 0;

    std::string kind() const { return folder ? "folder" : "file"; }
    std::string describe() const;  // "file, 1234 bytes, 2026-01-02T03:04:05.678Z" or "gone"
};

DiskDetails diskDetails(const std::filesystem::path& path);

// "2026-01-02T03:04:05.678Z"
std::string utcMillis(std::int64_t ms);

}  // namespace relaysync::soak
