#pragma once
// The "smb" resource store: files and folders in one folder of a share on an SMB file server,
// through libsmbclient (docs/storage-smb.md).
//
// The one rule that matters most: *not found* only when the server answered and the entity is
// not there. libsmbclient reports a missing share like a missing file, and a refused password
// could look like anything; so before a missing (or refused) entity is reported, the root is
// probed, and a root that cannot be reached makes the answer *unreachable*, which core never
// reads as "gone".

#include <Poco/Logger.h>

#include <mutex>
#include <string>
#include <vector>

#include "relaysync/sdk/plugin_config.h"
#include "relaysync/sdk/resource_store.h"
#include "smb_client.h"
#include "smb_config.h"

namespace relaysync::storage_smb {

class SmbStore final : public sdk::ResourceStore {
public:
    // Throws std::invalid_argument naming the key when the settings cannot be used. Connects
    // only when first called: a server that is down is not a configuration error.
    explicit SmbStore(const sdk::PluginConfig& config);

    std::uint32_t capabilities() const override;
    // ok with the root folder's server inode as identity ("smb-ino:N"), or unreachable saying why.
    sdk::Status probe(const sdk::CallContext& call, sdk::RootProbe& probe) override;
    sdk::Status stat(const sdk::CallContext& call, const std::string& path, sdk::EntityDetails& details) override;
    sdk::Status list(const sdk::CallContext& call, const std::string& path, sdk::FolderListing& items) override;
    sdk::Status read(const sdk::CallContext& call, const std::string& path, std::uint64_t offset,
                     std::size_t max_bytes, std::vector<char>& bytes) override;
    std::string describe() const override { return description_; }

private:
    // The URL of a store path, or invalid_argument for a path that is not one spelling of a
    // location inside the root.
    sdk::Status urlOf(const std::string& path, std::string& url) const;
    // What a failed call on `path` means: not_found or permission_denied only when the root
    // answers, unreachable when it does not or the connection failed.
    sdk::Status failure(const sdk::CallContext& call, int err, const std::string& path);
    // Logs a change between reachable and unreachable (or of the reason), once.
    void noteRoot(const sdk::Status& state);

    const SmbConfig config_;
    const std::string description_;
    Poco::Logger& log_;
    SmbClient client_;

    std::mutex state_mutex_;
    std::string last_state_;  // "" before the first probe, "ok", or the unreachable reason
};

}  // namespace relaysync::storage_smb
