#pragma once
// The "archive" resource store: the files and folders inside one tar or zip archive, read-only.
// The archive's top level is the store's root: `a:/docs/plan.txt` (with prefix "a:") is the
// member docs/plan.txt.

#include <optional>
#include <string>

#include "index_cache.h"
#include "relaysync/sdk/plugin_config.h"
#include "relaysync/sdk/resource_store.h"

namespace storage_archive {

class ArchiveStore final : public relaysync::sdk::ResourceStore {
public:
    // Takes `archive`, an absolute path. Throws std::invalid_argument when it is empty, relative
    // or holds a NUL byte. The archive need not exist yet: until it does, every call answers
    // unreachable (a drive mounted later is not a configuration error).
    explicit ArchiveStore(const relaysync::sdk::PluginConfig& config);

    std::uint32_t capabilities() const override;
    relaysync::sdk::Status probe(const relaysync::sdk::CallContext& call, relaysync::sdk::RootProbe& probe) override;
    relaysync::sdk::Status stat(const relaysync::sdk::CallContext& call, const std::string& path,
                                relaysync::sdk::EntityDetails& details) override;
    relaysync::sdk::Status list(const relaysync::sdk::CallContext& call, const std::string& path,
                                relaysync::sdk::FolderListing& items) override;
    relaysync::sdk::Status read(const relaysync::sdk::CallContext& call, const std::string& path,
                                std::uint64_t offset, std::size_t max_bytes, std::vector<char>& bytes) override;
    std::string describe() const override;

private:
    struct Located {
        std::shared_ptr<const ArchiveIndex> index;  // keeps `member` alive
        std::string key;
        const ArchiveIndex::Member* member = nullptr;
    };
    // Checks the path, brings the index up to date and resolves the path in it.
    relaysync::sdk::Status locate(const relaysync::sdk::CallContext& call, const std::string& path, Located& at);
    // One attempt at read(). Sets `indexed` to the version of the archive it found indexed
    // (and tried to read): unreachable with `indexed` set may mean the file changed since.
    relaysync::sdk::Status readOnce(const relaysync::sdk::CallContext& call, const std::string& path,
                                    std::uint64_t offset, std::size_t max_bytes, std::vector<char>& bytes,
                                    std::optional<ArchiveVersion>& indexed);

    const std::string archive_;
    IndexCache index_;
};

}  // namespace storage_archive
