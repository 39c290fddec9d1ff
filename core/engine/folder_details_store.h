#pragma once
// A forwarding store whose stat() of a folder reports the folder as a whole: size is the sum of
// the sizes of all files beneath it, and the time is the latest modification of the folder or
// anything beneath it. So adding, removing or changing any file inside a shared folder changes
// the folder's details, whatever the store plugin. With a store that lists items with their
// details (StoreCapability::list_details) a walk costs one call per folder; otherwise one per item.

#include "relaysync/sdk/resource_store.h"

namespace relaysync::core {

class FolderDetailsStore final : public sdk::ResourceStore {
public:
    // Bounds that stop a walk through symlink loops or absurd trees; past them: io_error.
    static constexpr int kMaxDepth = 64;
    static constexpr std::size_t kMaxItems = 1'000'000;

    explicit FolderDetailsStore(sdk::ResourceStore& inner) : inner_(inner), capabilities_(inner.capabilities()) {}

    std::uint32_t capabilities() const override { return capabilities_; }
    sdk::Status probe(const sdk::CallContext& call, sdk::RootProbe& probe) override { return inner_.probe(call, probe); }
    sdk::Status stat(const sdk::CallContext& call, const std::string& path, sdk::EntityDetails& details) override;
    sdk::Status list(const sdk::CallContext& call, const std::string& path, sdk::FolderListing& items) override {
        return inner_.list(call, path, items);
    }
    sdk::Status read(const sdk::CallContext& call, const std::string& path, std::uint64_t offset,
                     std::size_t max_bytes, std::vector<char>& bytes) override {
        return inner_.read(call, path, offset, max_bytes, bytes);
    }
    std::string describe() const override { return inner_.describe(); }

private:
    sdk::Status addFolder(const sdk::CallContext& call, const std::string& path, int depth, std::size_t& items,
                          sdk::EntityDetails& total);

    sdk::ResourceStore& inner_;
    const std::uint32_t capabilities_;
};

}  // namespace relaysync::core
