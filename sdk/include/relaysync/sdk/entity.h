#pragma once
// What a resource store reports about one entity (a file or a folder).

#include <cstdint>
#include <string>
#include <vector>

namespace relaysync::sdk {

enum class EntityKind { file, folder };

inline const char* toString(EntityKind kind) noexcept { return kind == EntityKind::file ? "file" : "folder"; }

// What tells unchanged content apart from changed content without reading it, where the store
// knows it: a checker keys its cache on it. Zero / empty means "the store does not know". Never
// recorded in a share nor sent to a peer: it only means something to the store that gave it.
struct EntityIdentity {
    std::uint64_t device = 0;   // the volume: st_dev locally, a volume serial over SMB
    std::uint64_t file_id = 0;  // the file on that volume: the inode, SMB's file id
    // Last change of the entity's content or attributes (POSIX ctime, SMB ChangeTime), in
    // nanoseconds since the Unix epoch; unlike the modification time, a program cannot set it back.
    std::int64_t changed_ns = 0;
    // Anything else the store has that changes whenever the content changes (an ETag, a change
    // number, a version id). Compared as opaque text.
    std::string change_token;

    bool known() const noexcept { return file_id != 0 || !change_token.empty(); }
    friend bool operator==(const EntityIdentity&, const EntityIdentity&) = default;
};

struct EntityDetails {
    EntityKind kind = EntityKind::file;
    // Last modification, milliseconds since the Unix epoch (UTC).
    std::int64_t modified_ms = 0;
    // Bytes. For a folder, as reported by ResourceStore::stat, 0; core aggregates folders
    // (see docs/protocol.md, "Folder details").
    std::uint64_t size = 0;
    // Content hash as "algorithm:hex" (e.g. "sha256:ab12..."), empty when not computed. Set by
    // a checker, never by a store.
    std::string hash;
    // Local to this store; see EntityIdentity. Not part of what is recorded, so not compared.
    EntityIdentity identity;

    // The recorded details: kind, time, size and hash.
    friend bool operator==(const EntityDetails& a, const EntityDetails& b) noexcept {
        return a.kind == b.kind && a.modified_ms == b.modified_ms && a.size == b.size && a.hash == b.hash;
    }
};

// One item of a folder listing: its name and what list() could tell of it in the same call.
// `details.kind` is always right. The rest (time, size, identity) is filled only by a store with
// the StoreCapability::list_details capability; otherwise core stats the items it needs.
struct FolderItem {
    std::string name;  // one path component, never "." or ".."
    EntityDetails details;
};

using FolderListing = std::vector<FolderItem>;

}  // namespace relaysync::sdk
