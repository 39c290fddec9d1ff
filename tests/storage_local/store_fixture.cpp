#include "store_fixture.h"

#include <algorithm>
#include <cstdlib>

namespace relaysync::tests {

namespace fs = std::filesystem;

fs::path storageLocalPluginPath() {
    if (const char* dir = std::getenv("RELAYSYNC_PLUGIN_DIR"); dir && *dir)
        return fs::path(dir) / "relaysync-storage-local.so";
    return RELAYSYNC_STORAGE_LOCAL_SO;
}

PluginLibrary::PluginLibrary() : library_(storageLocalPluginPath()) {
    const auto entry = library_.get<sdk::PluginEntryPoint>(RELAYSYNC_PLUGIN_ENTRY_POINT);
    descriptor_ = entry();
    if (!descriptor_) throw std::runtime_error("the plugin's entry point returned no descriptor");
}

StorePtr PluginLibrary::create(const sdk::PluginConfig& config, std::string* error) const {
    void* instance = descriptor_->create(config, error);
    return StorePtr(static_cast<sdk::ResourceStore*>(instance), StoreDeleter{descriptor_->destroy});
}

void StoreFixture::setUp() {
    plugin = std::make_unique<PluginLibrary>();
    tree = std::make_unique<TempTree>();
    tree->makeFolder("root");
    tree->writeFile("outside/secret.txt", "secret");
    store = makeStore(rootPath());
}

void StoreFixture::tearDown() {
    store.reset();
    tree.reset();
    plugin.reset();
}

StorePtr StoreFixture::makeStore(const fs::path& root) const {
    std::string error;
    StorePtr made = plugin->create({{"root", root.string()}}, &error);
    CPPUNIT_ASSERT_MESSAGE("the plugin refused root " + root.string() + ": " + error, made != nullptr);
    return made;
}

sdk::Status StoreFixture::statOf(const std::string& path, sdk::EntityDetails* details) const {
    sdk::EntityDetails ignored;
    return store->stat(sdk::CallContext::unbounded(), path, details ? *details : ignored);
}

sdk::Status StoreFixture::listOf(const std::string& path, std::vector<std::string>* sorted_entries) const {
    sdk::FolderListing items;
    const sdk::Status status = store->list(sdk::CallContext::unbounded(), path, items);
    if (sorted_entries) *sorted_entries = describeListing(items);
    return status;
}

sdk::Status StoreFixture::readOf(const std::string& path, std::uint64_t offset, std::size_t max_bytes,
                                 std::string* content) const {
    std::vector<char> bytes;
    const sdk::Status status = store->read(sdk::CallContext::unbounded(), path, offset, max_bytes, bytes);
    if (content) content->assign(bytes.begin(), bytes.end());
    return status;
}

std::vector<std::string> describeListing(const sdk::FolderListing& items) {
    std::vector<std::string> described;
    for (const auto& item : items) described.push_back(item.name + ":" + sdk::toString(item.details.kind));
    std::sort(described.begin(), described.end());
    return described;
}

}  // namespace relaysync::tests
