#include "fixture_store.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "relaysync/sdk/conformance/fixture.h"

namespace relaysync::tests {

namespace {

using sdk::Status;
using sdk::conformance::FixtureItem;
using sdk::conformance::FixtureItemType;
using sdk::conformance::fixtureItems;

const FixtureItem kOtherRootFile{"other.txt", FixtureItemType::file, "another root\n", {}, {}};

std::string parentOf(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string nameOf(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::vector<std::string> split(const std::string& path) {
    std::vector<std::string> parts;
    std::string::size_type begin = 0;
    while (begin <= path.size()) {
        const auto end = std::min(path.find('/', begin), path.size());
        parts.push_back(path.substr(begin, end - begin));
        begin = end + 1;
    }
    return parts;
}

sdk::EntityDetails kindOnly(sdk::EntityKind kind) {
    sdk::EntityDetails details;
    details.kind = kind;
    return details;
}

// Index in the manifest: the basis of times and identities. -1 for the root.
int indexOf(const FixtureItem* item) {
    if (!item || item == &kOtherRootFile) return -1;
    return static_cast<int>(item - fixtureItems().data());
}

}  // namespace

struct FixtureStore::Entity {
    const FixtureItem* item = nullptr;  // nullptr: the root, or outside it
    bool outside = false;
    bool isFolder() const { return !item || item->type == FixtureItemType::folder; }
};

class FixtureStore::CallScope {
public:
    explicit CallScope(FixtureStore& store) : store_(store), concurrent(++store.in_flight_ > 1) {}
    ~CallScope() { --store_.in_flight_; }

private:
    FixtureStore& store_;

public:
    const bool concurrent;
};

void FixtureStore::release() {
    {
        std::lock_guard lock(mutex_);
        release_ = true;
    }
    released_.notify_all();
}

Status FixtureStore::admit(const sdk::CallContext& call, const std::string& path, std::string& normal) const {
    if (defect_ != Defect::ignores_deadline && call.expired()) return Status::unreachable("timed out");
    if (path.find('\0') != std::string::npos) return Status::invalidArgument("NUL byte in the path");
    if (!path.empty() && path.front() == '/') return Status::invalidArgument("absolute path");
    std::vector<std::string> kept;
    if (!path.empty()) {
        for (const auto& part : split(path)) {
            if (part == "..") {
                if (defect_ != Defect::lets_dotdot_through) return Status::invalidArgument("'..' in the path");
                if (!kept.empty()) kept.pop_back();
            } else if (part.empty() || part == ".") {
                if (defect_ != Defect::collapses_empty_components) return Status::invalidArgument("badly spelled path");
            } else {
                kept.push_back(part);
            }
        }
    }
    normal.clear();
    for (const auto& part : kept) normal += (normal.empty() ? "" : "/") + part;
    if (root_ == Root::gone)
        return defect_ == Defect::not_found_when_root_gone ? Status::notFound("no such entity")
                                                            : Status::unreachable("the root is gone");
    return Status::ok();
}

Status FixtureStore::resolve(const std::string& path, Entity& entity) const {
    const auto missing = [&] {
        return defect_ == Defect::missing_as_unreachable ? Status::unreachable("cannot find " + path)
                                                         : Status::notFound(path + " does not exist");
    };
    entity = {};
    if (path.empty()) return Status::ok();
    const auto lookup = [&](const std::string& p) -> const FixtureItem* {
        if (root_ == Root::other) return p == kOtherRootFile.path ? &kOtherRootFile : nullptr;
        const auto& items = fixtureItems();
        const auto it = std::find_if(items.begin(), items.end(), [&](const FixtureItem& i) { return i.path == p; });
        return it == items.end() ? nullptr : &*it;
    };
    std::string current;
    const auto parts = split(path);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (entity.outside || (entity.item && !entity.isFolder())) return missing();
        const FixtureItem* item = lookup(current.empty() ? parts[i] : current + "/" + parts[i]);
        if (!item) return missing();
        switch (item->type) {
        case FixtureItemType::link_inside: item = lookup(item->resolves_to); break;
        case FixtureItemType::link_outside:
            if (defect_ != Defect::follows_links_out) return Status::invalidArgument(path + " leads outside the root");
            entity = {nullptr, true};
            continue;
        case FixtureItemType::link_loop:
            if (defect_ == Defect::slow_loop) std::this_thread::sleep_for(std::chrono::milliseconds(400));
            return Status::ioError(path + ": too many levels of links");
        default: break;
        }
        entity.item = item;
        current = item->path;
    }
    return Status::ok();
}

sdk::EntityDetails FixtureStore::detailsOf(const Entity& entity) const {
    sdk::EntityDetails details;
    const int index = indexOf(entity.item);
    details.kind = entity.isFolder() ? sdk::EntityKind::folder : sdk::EntityKind::file;
    details.modified_ms = 1'700'000'000'000 + (index + 1) * 1000;
    if (!entity.isFolder()) {
        details.size = entity.item->content.size();
        if (defect_ == Defect::wrong_file_size && entity.item->path == "large.bin") --details.size;
    }
    if (capabilities_ & sdk::StoreCapability::entity_identity) {
        details.identity.device = 7;
        details.identity.file_id = defect_ == Defect::shared_identity && !entity.isFolder() ? 42 : index + 2;
        details.identity.changed_ns = details.modified_ms * 1'000'000;
    }
    return details;
}

Status FixtureStore::children(const std::string& folder, sdk::FolderListing& items) const {
    if (defect_ == Defect::lists_dot_entries) {
        items.push_back({".", kindOnly(sdk::EntityKind::folder)});
        items.push_back({"..", kindOnly(sdk::EntityKind::folder)});
    }
    if (root_ == Root::other) {
        if (folder.empty()) items.push_back({kOtherRootFile.path, detailsOf({&kOtherRootFile})});
        return Status::ok();
    }
    if (folder.empty() && !extra_root_file_.empty()) items.push_back({extra_root_file_, kindOnly(sdk::EntityKind::file)});
    for (const auto& item : fixtureItems()) {
        if (parentOf(item.path) != folder) continue;
        Entity shown{&item};
        if (item.type == FixtureItemType::link_outside && defect_ != Defect::follows_links_out) continue;
        if (item.type == FixtureItemType::link_loop && defect_ != Defect::lists_loops) continue;
        if (item.type == FixtureItemType::link_outside) shown = {nullptr, true};
        if (item.type == FixtureItemType::link_inside) static_cast<void>(resolve(item.path, shown));
        sdk::EntityDetails details = detailsOf(shown);
        if (item.type == FixtureItemType::link_loop) details = {};  // shown as an empty file
        if (!(capabilities_ & sdk::StoreCapability::list_details)) details = kindOnly(details.kind);
        if (defect_ == Defect::list_details_disagree && details.kind == sdk::EntityKind::file) ++details.size;
        items.push_back({nameOf(item.path), details});
    }
    return Status::ok();
}

Status FixtureStore::probe(const sdk::CallContext& call, sdk::RootProbe& probe) {
    CallScope scope(*this);
    if (defect_ != Defect::ignores_deadline && call.expired()) return Status::unreachable("timed out");
    if (root_ == Root::gone) return Status::unreachable("the root is gone");
    probe.identity.clear();
    if (!(capabilities_ & sdk::StoreCapability::root_identity)) return Status::ok();
    probe.identity = root_ == Root::other && defect_ != Defect::same_identity_when_replaced ? "other-root" : "fixture-root";
    if (defect_ == Defect::unstable_root_identity) probe.identity += "-" + std::to_string(++probes_);
    return Status::ok();
}

Status FixtureStore::stat(const sdk::CallContext& call, const std::string& path, sdk::EntityDetails& details) {
    CallScope scope(*this);
    if (defect_ == Defect::throws) throw std::runtime_error("stat is not implemented");
    if (defect_ == Defect::one_call_at_a_time) {
        if (scope.concurrent) return Status::ioError("busy");
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::string normal;
    if (auto s = admit(call, path, normal); !s.isOk()) return s;
    Entity entity;
    if (auto s = resolve(normal, entity); !s.isOk()) return s;
    if (defect_ == Defect::hangs_on_stat && !entity.isFolder()) {
        std::unique_lock lock(mutex_);
        released_.wait(lock, [this] { return release_; });
    }
    details = detailsOf(entity);
    return Status::ok();
}

Status FixtureStore::list(const sdk::CallContext& call, const std::string& path, sdk::FolderListing& items) {
    CallScope scope(*this);
    std::string normal;
    if (auto s = admit(call, path, normal); !s.isOk()) return s;
    Entity entity;
    if (auto s = resolve(normal, entity); !s.isOk()) return s;
    if (defect_ != Defect::appends_outputs) items.clear();
    if (!entity.isFolder())
        return defect_ == Defect::lists_a_file ? Status::ok() : Status::invalidArgument(path + " is a file");
    if (entity.outside) return Status::ok();
    return children(normal.empty() || !entity.item ? normal : entity.item->path, items);
}

Status FixtureStore::read(const sdk::CallContext& call, const std::string& path, std::uint64_t offset,
                          std::size_t max_bytes, std::vector<char>& bytes) {
    CallScope scope(*this);
    std::string normal;
    if (auto s = admit(call, path, normal); !s.isOk()) return s;
    if (!(capabilities_ & sdk::StoreCapability::content) && defect_ != Defect::reads_without_content)
        return Status::invalidArgument("this store does not read content");
    Entity entity;
    if (auto s = resolve(normal, entity); !s.isOk()) return s;
    if (entity.isFolder()) return Status::invalidArgument(path + " is a folder");
    if (defect_ != Defect::appends_outputs) bytes.clear();
    const std::string& content = entity.item->content;
    if (defect_ == Defect::chunk_off_by_one && offset > 0) ++offset;
    if (offset >= content.size())
        return defect_ == Defect::error_past_end && offset > 0 ? Status::ioError("read past the end") : Status::ok();
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(max_bytes, content.size() - offset));
    bytes.insert(bytes.end(), content.begin() + static_cast<std::ptrdiff_t>(offset),
                 content.begin() + static_cast<std::ptrdiff_t>(offset + n));
    return Status::ok();
}

}  // namespace relaysync::tests
