#pragma once
// What a resource store reports about one entity (a file or a folder).

#include <cstdint>
#include <string>
#include <vector>

namespace relaysync::sdk {

enum class EntityKind { file, folder };

inline const char* toString(EntityKind kind) noexcept { return kind == EntityKind::file ? "file" : "folder"; }

struct EntityDetails {
    EntityKind kind = EntityKind::file;
    // Last modification, milliseconds since the Unix epoch (UTC).
    std::int64_t modified_ms = 0;
    // Bytes. For a folder, as reported by ResourceStore::stat, 0; core aggregates folders
    // (see docs/protocol.md, "Folder details").
    std::uint64_t size = 0;
    // Content hash as "algorithm:hex" (e.g. "sha256:ab12..."), empty when not computed.
    std::string hash;

    friend bool operator==(const EntityDetails&, const EntityDetails&) = default;
};

struct FolderItem {
    std::string name;  // one path component, never "." or ".."
    EntityKind kind = EntityKind::file;
};

using FolderListing = std::vector<FolderItem>;

}  // namespace relaysync::sdk
