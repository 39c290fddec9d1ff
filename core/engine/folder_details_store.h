#pragma once
// A forwarding store whose stat() of a folder reports the folder as a whole: size is the sum of
// the sizes of all files beneath it, and the time is the latest modification of the folder or
// anything beneath it. So adding, removing or changing any file inside a shared folder changes
// the folder's details, whatever the store plugin.

#include "relaysync/sdk/resource_store.h"

namespace relaysync::core {

class FolderDetailsStore final : public sdk::ResourceStore {
public:
    // Bounds that stop a walk through symlink loops or absurd trees; past them: io_error.
    static constexpr int kMaxDepth = 64;
    static constexpr std::size_t kMaxItems = 1'000'000;

    explicit FolderDetailsStore(sdk::ResourceStore& inner) : inner_(inner) {}

    sdk::Status stat(const std::string& path, sdk::EntityDetails& details) override;
    sdk::Status list(const std::string& path, sdk::FolderListing& items) override { return inner_.list(path, items); }
    sdk::Status read(const std::string& path, std::uint64_t offset, std::size_t max_bytes,
                     std::vector<char>& bytes) override {
        return inner_.read(path, offset, max_bytes, bytes);
    }
    std::string describe() const override { return inner_.describe(); }

private:
    sdk::Status addFolder(const std::string& path, int depth, std::size_t& items, sdk::EntityDetails& total);

    sdk::ResourceStore& inner_;
};

}  // namespace relaysync::core
