#pragma once
// A resource store held in memory, for engine tests: files with set times and sizes, folders
// implied by their contents, and a switch that makes the whole store unreachable (an
// unmounted drive). Not a plugin: the real stores have their own suites.

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "relaysync/sdk/resource_store.h"

namespace relaysync::test {

class MemoryStore final : public sdk::ResourceStore {
public:
    explicit MemoryStore(std::string name = "memory") : name_(std::move(name)) {}

    void putFile(const std::string& path, std::uint64_t size, std::int64_t modified_ms) {
        std::lock_guard lock(mutex_);
        files_[path] = {sdk::EntityKind::file, modified_ms, size, {}, {}};
        for (auto slash = path.rfind('/'); slash != std::string::npos; slash = path.rfind('/', slash - 1)) {
            auto& folder = folders_[path.substr(0, slash)];
            folder = std::max(folder, modified_ms);
            if (slash == 0) break;
        }
    }
    void putFolder(const std::string& path, std::int64_t modified_ms) {
        std::lock_guard lock(mutex_);
        folders_[path] = modified_ms;
    }
    void remove(const std::string& path) {
        std::lock_guard lock(mutex_);
        files_.erase(path);
        folders_.erase(path);
        const auto prefix = path + "/";
        std::erase_if(files_, [&](const auto& item) { return item.first.rfind(prefix, 0) == 0; });
        std::erase_if(folders_, [&](const auto& item) { return item.first.rfind(prefix, 0) == 0; });
    }
    void setReachable(bool reachable) {
        std::lock_guard lock(mutex_);
        reachable_ = reachable;
    }
    // What probe() reports as the root's identity: another one is another root in its place.
    void setRootIdentity(std::string identity) {
        std::lock_guard lock(mutex_);
        root_identity_ = std::move(identity);
    }

    std::uint32_t capabilities() const override { return sdk::StoreCapability::root_identity; }

    sdk::Status probe(const sdk::CallContext&, sdk::RootProbe& probe) override {
        std::lock_guard lock(mutex_);
        if (!reachable_) return sdk::Status::unreachable(name_ + " is not mounted");
        probe.identity = root_identity_;
        return sdk::Status::ok();
    }
    // A slow disk: stat() waits from hold() until release(), so that a test sees what goes on
    // while a check reads the store. holding(): a stat() is waiting now.
    void hold() {
        std::lock_guard lock(mutex_);
        held_ = true;
    }
    void release() {
        {
            std::lock_guard lock(mutex_);
            held_ = false;
        }
        released_.notify_all();
    }
    bool holding() {
        std::lock_guard lock(mutex_);
        return waiting_ > 0;
    }

    sdk::Status stat(const sdk::CallContext&, const std::string& path, sdk::EntityDetails& details) override {
        std::unique_lock lock(mutex_);
        ++waiting_;
        released_.wait(lock, [this] { return !held_; });
        --waiting_;
        if (!reachable_) return sdk::Status::unreachable(name_ + " is not mounted");
        if (path.find("..") != std::string::npos) return sdk::Status::invalidArgument("escapes the store");
        if (path.empty()) {
            details = {sdk::EntityKind::folder, 0, 0, {}, {}};
            return sdk::Status::ok();
        }
        if (auto file = files_.find(path); file != files_.end()) {
            details = file->second;
            return sdk::Status::ok();
        }
        if (auto folder = folders_.find(path); folder != folders_.end()) {
            details = {sdk::EntityKind::folder, folder->second, 0, {}, {}};
            return sdk::Status::ok();
        }
        return sdk::Status::notFound(path + " does not exist");
    }

    sdk::Status list(const sdk::CallContext&, const std::string& path, sdk::FolderListing& items) override {
        std::lock_guard lock(mutex_);
        if (!reachable_) return sdk::Status::unreachable(name_ + " is not mounted");
        const auto prefix = path.empty() ? std::string{} : path + "/";
        items.clear();
        auto addChild = [&](const std::string& full, sdk::EntityKind kind) {
            if (full.rfind(prefix, 0) != 0 || full.size() == prefix.size()) return;
            const auto rest = full.substr(prefix.size());
            if (rest.find('/') == std::string::npos) items.push_back({rest, {kind, 0, 0, {}, {}}});
        };
        for (const auto& [name, details] : files_) addChild(name, details.kind);
        for (const auto& [name, time] : folders_) addChild(name, sdk::EntityKind::folder);
        return sdk::Status::ok();
    }

    sdk::Status read(const sdk::CallContext&, const std::string&, std::uint64_t, std::size_t,
                     std::vector<char>& bytes) override {
        bytes.clear();
        return sdk::Status::ok();
    }

    std::string describe() const override { return "memory:" + name_; }

private:
    std::mutex mutex_;
    std::string name_;
    std::string root_identity_ = "memory-root-1";
    bool reachable_ = true;
    bool held_ = false;
    int waiting_ = 0;
    std::condition_variable released_;
    std::map<std::string, sdk::EntityDetails> files_;
    std::map<std::string, std::int64_t> folders_;
};

}  // namespace relaysync::test
