#pragma once
// The "local" resource store: files and folders under one folder (the root) of the local file
// system, e.g. a terminal's disk or a drive mounted on it.

#include <filesystem>
#include <string>

#include "relaysync/sdk/contained_paths.h"
#include "relaysync/sdk/plugin_config.h"
#include "relaysync/sdk/resource_store.h"

namespace relaysync::storage_local {

class LocalStore final : public sdk::ResourceStore, public sdk::ContainedPaths {
public:
    // Takes `root`, an absolute path, and `marker`, a file name (optional). Throws
    // std::invalid_argument when the root is missing, empty, relative or holds a NUL byte, or
    // the marker is not one plain file name. The root need not exist yet: until it does (and
    // holds the marker, if one is named), every call answers unreachable (a drive mounted later
    // is not a configuration error).
    explicit LocalStore(const sdk::PluginConfig& config);

    // Every call re-resolves the root and the path: nothing is cached, so the store is safe to
    // call from any number of threads and follows a remounted root. A path without symlinks is
    // resolved by the kernel beneath the opened root (openBeneath); any other is walked
    // component by component (resolveWithin), which also words every failure.
    std::uint32_t capabilities() const override;
    // The root's identity is "<device>:<inode>" of the root folder: a drive mounted there, or
    // the folder replaced by another, gives another identity.
    sdk::Status probe(const sdk::CallContext& call, sdk::RootProbe& probe) override;
    sdk::Status stat(const sdk::CallContext& call, const std::string& path, sdk::EntityDetails& details) override;
    sdk::Status list(const sdk::CallContext& call, const std::string& path, sdk::FolderListing& items) override;
    sdk::Status read(const sdk::CallContext& call, const std::string& path, std::uint64_t offset,
                     std::size_t max_bytes, std::vector<char>& bytes) override;
    std::string describe() const override;
    // ContainedPaths (SDK 2.2): both paths resolved as stat() resolves them, symlinks followed
    // within the root; ok when the second is the first or below it.
    void* extension(const char* name) override;
    sdk::Status within(const sdk::CallContext& call, const std::string& folder, const std::string& path) override;

private:
    struct Location {
        std::filesystem::path root;    // the root, canonical, as it is now
        std::filesystem::path entity;  // what the path names, canonical, inside `root`
    };

    // unreachable unless the root is, right now, a folder this process can list and enter, that
    // holds the marker when one is named.
    sdk::Status reachRoot(std::filesystem::path& canonical_root) const;
    // Checks the path's spelling, reaches the root, then resolves the path within it.
    sdk::Status locate(const std::string& path, Location& location) const;
    // `path` (spelled correctly) opened with `flags` when the root is reachable and nothing on
    // the way is a symlink, in a few calls; -1 otherwise, and the caller takes the full way
    // (locate), whose answer is then the store's word.
    int openBeneath(const std::string& path, int flags) const;

    std::filesystem::path root_;  // as configured, lexically normal
    std::string marker_;          // a file name, or empty
};

}  // namespace relaysync::storage_local
